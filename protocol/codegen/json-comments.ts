/**
 * Removes `//` line comments and `/* *\/` block comments from JSON text, leaving string
 * literals untouched (Kafka's specs hold `//` inside strings, e.g. URLs in "about" texts).
 * Line breaks inside comments are kept so JSON.parse errors still point at the right line.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      const start = i++;
      while (i < n && text[i] !== '"') {
        // A backslash escapes the next character, including a quote.
        i += text[i] === '\\' ? 2 : 1;
      }
      i++;
      out += text.slice(start, i);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, '');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Parses JSON that may hold comments (the dialect of Kafka's message specs). */
export function parseJsonWithComments(text: string): unknown {
  return JSON.parse(stripJsonComments(text));
}
