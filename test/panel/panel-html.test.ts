// The webview HTML generator: strict CSP with the nonce, nothing remote, everything escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panelHtml } from '../../media/src/panel-html';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'AbC123xyz',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/out/panel.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
};

test('CSP: default none, nonce-only scripts, styles from the webview or the nonce', () => {
  const html = panelHtml(options);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  assert.equal(
    csp,
    'default-src &#39;none&#39;; img-src https://file+.vscode-resource.vscode-cdn.net data:; ' +
      'style-src https://file+.vscode-resource.vscode-cdn.net &#39;nonce-AbC123xyz&#39;; ' +
      'script-src &#39;nonce-AbC123xyz&#39;;',
  );
  assert.match(
    html,
    /<script nonce="AbC123xyz" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/out\/panel\.js">/,
  );
  assert.match(html, /<link rel="stylesheet" href="[^"]+panel\.css" nonce="AbC123xyz">/);
});

test('no inline script or style, no remote content', () => {
  const html = panelHtml(options);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(!/<style/.test(html));
  assert.ok(!/ style=/.test(html));
  for (const url of html.match(/(?:src|href)="([^"]+)"/g) ?? []) assert.match(url, /vscode-resource/);
});

test('URIs are escaped; a bad nonce or csp source is refused', () => {
  const html = panelHtml({ ...options, scriptUri: 'x"><script>alert(1)</script>' });
  assert.ok(!html.includes('"><script>alert(1)'));
  assert.throws(() => panelHtml({ ...options, nonce: "x' 'unsafe-inline" }));
  assert.throws(() => panelHtml({ ...options, cspSource: "x; script-src 'unsafe-inline'" }));
});
