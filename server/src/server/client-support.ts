// What the client said it supports (InitializeParams.capabilities), read once. The server sends
// only what the client declared: a snippet, Markdown, or a refresh request to a client that did
// not ask for it is shown literally or refused (LSP 3.17: snippetSupport, contentFormat,
// documentationFormat, refreshSupport). VS Code declares all of them; Neovim, Helix and eglot
// declare some.
import { MarkupKind, type ClientCapabilities } from 'vscode-languageserver/node';

export interface ClientSupport {
  /** workspace/configuration requests. */
  readonly configuration: boolean;
  /** Completion items whose insert text is a snippet. */
  readonly snippets: boolean;
  /** Completion documentation as Markdown. */
  readonly completionMarkdown: boolean;
  /** Hover contents as Markdown. */
  readonly hoverMarkdown: boolean;
  readonly inlayHintRefresh: boolean;
  readonly semanticTokensRefresh: boolean;
  readonly codeLensRefresh: boolean;
}

/** What a client that declares nothing supports (also the server's state before `initialize`). */
export const NO_CLIENT_SUPPORT: ClientSupport = {
  configuration: false,
  snippets: false,
  completionMarkdown: false,
  hoverMarkdown: false,
  inlayHintRefresh: false,
  semanticTokensRefresh: false,
  codeLensRefresh: false,
};

export function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  const text = capabilities.textDocument;
  const workspace = capabilities.workspace;
  const item = text?.completion?.completionItem;
  return {
    configuration: workspace?.configuration === true,
    snippets: item?.snippetSupport === true,
    completionMarkdown: item?.documentationFormat?.includes(MarkupKind.Markdown) === true,
    hoverMarkdown: text?.hover?.contentFormat?.includes(MarkupKind.Markdown) === true,
    inlayHintRefresh: workspace?.inlayHint?.refreshSupport === true,
    semanticTokensRefresh: workspace?.semanticTokens?.refreshSupport === true,
    codeLensRefresh: workspace?.codeLens?.refreshSupport === true,
  };
}
