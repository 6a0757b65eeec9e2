/**
 * Links a markdown cell's references to other notebooks ("see notebook 07", "（笔记本 07）") to
 * their pages on the site.
 */
import type MarkdownIt from "markdown-it";

/** A reference to another notebook by its two-digit number, in English or Chinese. */
const NOTEBOOK_REFERENCE = /\b[Nn]otebook (\d{2})(?!\d)|笔记本 ?(\d{2})(?!\d)/g;

/**
 * Links references to other notebooks ("see notebook 07", "（笔记本 07）") in the text of
 * paragraphs and lists, never inside a link or a heading, and only where `link` knows the page.
 */
export function linkNotebookReferences(
  state: MarkdownIt.StateCore,
  link: (number: string) => string | undefined,
): void {
  state.tokens.forEach((block, index) => {
    if (block.type !== "inline" || !block.children || state.tokens[index - 1]?.type === "heading_open") return;
    const children: MarkdownIt.Token[] = [];
    let depth = 0;
    for (const token of block.children) {
      if (token.type === "link_open") depth++;
      if (token.type === "link_close") depth--;
      if (token.type !== "text" || depth > 0) {
        children.push(token);
        continue;
      }
      let rest = 0;
      const text = (content: string): void => {
        if (!content) return;
        const piece = new state.Token("text", "", 0);
        piece.content = content;
        children.push(piece);
      };
      for (const match of token.content.matchAll(NOTEBOOK_REFERENCE)) {
        const href = link(match[1] ?? match[2]);
        if (href === undefined) continue;
        text(token.content.slice(rest, match.index));
        const open = new state.Token("link_open", "a", 1);
        open.attrs = [
          ["href", href],
          ["class", "notebook-link"],
        ];
        children.push(open);
        text(match[0]);
        children.push(new state.Token("link_close", "a", -1));
        rest = match.index + match[0].length;
      }
      if (rest === 0) children.push(token);
      else text(token.content.slice(rest));
    }
    block.children = children;
  });
}
