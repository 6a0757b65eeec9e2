/**
 * `i18n`: the reader's language (English or Chinese) and the phrase catalog that puts figure text
 * and printed sentences in it, so one notebook's code serves both languages.
 */
export { LANGUAGES, LANGUAGE_ENV, LANGUAGE_FILE, language, setLanguage, parseLanguage, htmlLanguageTag, type Language } from "./language";
export { translate, translateLines, hasTranslation, phraseCatalog, type PhraseCatalog } from "./translate";
export { translatePrintedOutput } from "./output";
export { formatDuration, withSeconds } from "./units";
