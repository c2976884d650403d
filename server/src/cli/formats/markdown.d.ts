// A Markdown file imported as its text: esbuild's text loader (scripts/build.mjs).
declare module '*.md' {
  const text: string;
  export default text;
}
