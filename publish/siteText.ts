/**
 * The words the site itself writes (header, index, banners), in each language a page can be in.
 * Notebook content is translated in the notebooks (notebooks/zh); this is only the site's frame.
 */
import type { Language } from "../src/i18n/language";

export interface SiteText {
  siteTitle: string;
  /** The language's own name, shown in the language switch. */
  languageName: string;
  switchLabel: string;
  failed: string;
  notebookFailed: (executed: boolean) => string;
  notebooksFailed: (failed: number, total: number) => string;
  codeCells: (count: number) => string;
  executedIn: (seconds: string) => string;
  storedOutputs: string;
  /** Built with --no-execute from a notebook that has no stored outputs. */
  noStoredOutputs: string;
  /** A notebook page's line on its run (date: YYYY-MM-DD, UTC). */
  executedOn: (seconds: string, date: string) => string;
  storedOutputsPage: string;
  noStoredOutputsPage: string;
  plotlyMissing: string;
  translation: string;
  /** The heading of a page's table of contents. */
  contents: string;
  /** The accessible name of a heading's anchor link. */
  sectionLink: string;
}

export const SITE_TEXT: { [L in Language]: SiteText } = {
  en: {
    siteTitle: "optimlab tutorials",
    languageName: "English",
    switchLabel: "Language",
    failed: "failed",
    notebookFailed: (executed) =>
      `This notebook failed${executed ? " when the site was built" : " (stored outputs contain errors)"}.`,
    notebooksFailed: (failed, total) => `${failed} of ${total} notebooks failed.`,
    codeCells: (count) => `${count} code cells`,
    executedIn: (seconds) => `, executed in ${seconds} s`,
    storedOutputs: ", stored outputs",
    noStoredOutputs: ", not executed: no stored outputs",
    executedOn: (seconds, date) => `Executed in ${seconds} s on ${date} (UTC) when the site was built.`,
    storedOutputsPage: "Outputs as stored in the notebook (not executed when the site was built).",
    noStoredOutputsPage: "Not executed: the notebook has no stored outputs, so this page shows code only.",
    plotlyMissing: "This figure needs assets/plotly.min.js, which did not load.",
    translation: "translation",
    contents: "Contents",
    sectionLink: "Link to this section",
  },
  zh: {
    siteTitle: "optimlab 教程",
    languageName: "中文",
    switchLabel: "语言",
    failed: "失败",
    notebookFailed: (executed) => (executed ? "构建网站时该笔记本运行失败。" : "该笔记本保存的输出中含有错误。"),
    notebooksFailed: (failed, total) => `${total} 个笔记本中有 ${failed} 个失败。`,
    codeCells: (count) => `${count} 个代码单元格`,
    executedIn: (seconds) => `，执行耗时 ${seconds} 秒`,
    storedOutputs: "，使用保存的输出",
    noStoredOutputs: "，未执行：没有保存的输出",
    executedOn: (seconds, date) => `构建网站时于 ${date}（UTC）执行，耗时 ${seconds} 秒。`,
    storedOutputsPage: "输出为笔记本中保存的输出（构建网站时未执行）。",
    noStoredOutputsPage: "未执行：该笔记本没有保存的输出，本页只显示代码。",
    plotlyMissing: "此图需要 assets/plotly.min.js，但它没有加载。",
    translation: "译文",
    contents: "目录",
    sectionLink: "链接到本节",
  },
};
