/**
 * Where JSON text first goes wrong. V8's JSON.parse messages do not always carry a position
 * ("Unexpected token ','…"), so on failure we re-scan the text to point at the exact offset.
 */
export interface JsonSyntaxProblem {
  offset: number;
  reason: string;
}

/** Thrown inside the scanner to unwind at the first problem. */
class Stop extends Error {
  constructor(readonly problem: JsonSyntaxProblem) {
    super(problem.reason);
  }
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let at = 0;
  const fail = (reason: string, offset = at): never => {
    throw new Stop({ offset, reason });
  };
  const skipSpace = () => {
    while (at < text.length && " \t\n\r".includes(text[at])) at++;
  };
  const describe = () => (at >= text.length ? "the end of the file" : `"${text[at]}"`);
  const literal = (word: string) => {
    if (text.startsWith(word, at)) at += word.length;
    else fail(`expected a value, found ${describe()}`);
  };
  const string = () => {
    const start = at++;
    while (at < text.length && text[at] !== '"') {
      const c = text.charCodeAt(at);
      if (c < 0x20) fail("unescaped control character in a string");
      if (text[at] === "\\") {
        at++;
        if (text[at] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail("bad \\u escape in a string");
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? "")) fail("bad escape in a string");
      }
      at++;
    }
    if (at >= text.length) fail("unterminated string", start);
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match) fail(`expected a value, found ${describe()}`);
    at += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    skipSpace();
    const c = text[at];
    if (c === "{") {
      at++;
      skipSpace();
      if (text[at] === "}") return void at++;
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
        string();
        skipSpace();
        if (text[at] !== ":") fail(`expected ":" after a property name, found ${describe()}`);
        at++;
        value();
        skipSpace();
        if (text[at] === ",") at++;
        else if (text[at] === "}") return void at++;
        else fail(`expected "," or "}" after a property value, found ${describe()}`);
      }
    }
    if (c === "[") {
      at++;
      skipSpace();
      if (text[at] === "]") return void at++;
      for (;;) {
        value();
        skipSpace();
        if (text[at] === ",") at++;
        else if (text[at] === "]") return void at++;
        else fail(`expected "," or "]" after an array element, found ${describe()}`);
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    return number();
  };
  try {
    value();
    skipSpace();
    if (at < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error.problem;
    throw error;
  }
}
