/** Types for markdown-it-texmath (the package ships none): a markdown-it plugin taking a TeX engine. */
declare module "markdown-it-texmath" {
  import type MarkdownIt from "markdown-it";
  interface TexmathOptions {
    engine: { renderToString(tex: string, options?: object): string };
    delimiters?: "dollars" | "brackets" | "gitlab" | "julia" | "kramdown" | "beg_end" | string | string[];
    katexOptions?: object;
  }
  const texmath: (md: MarkdownIt, options: TexmathOptions) => void;
  export = texmath;
}
