/**
 * How `ade` and the program show text that came from outside (config values,
 * file names, stack names, update messages): control and bidirectional
 * characters escaped, so a value can neither move the cursor, recolour the
 * terminal nor reorder what a reviewer reads, and long values cut short, so a
 * plan stays readable. Every printer and every error goes through here.
 */

/** Longest value shown in full; longer ones are cut and say how much was left out. */
export const MAX_SHOWN_CHARS = 120;

/**
 * Control characters (C0, C1, DEL), the characters that change the order or
 * direction of the text around them (marks, embeddings, overrides, isolates),
 * line and paragraph separators, and invisible zero-width space and BOM.
 */
const UNSAFE = /[\p{Cc}\p{Bidi_Control}\p{Zl}\p{Zp}\u200b\ufeff]/gu;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(char: string): string {
    return NAMED[char] ?? `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}}`;
}

/** `text` with every unsafe character escaped (`\n`, `\u{202E}`); newlines too, so a value stays on its line. */
export function escapeText(text: string): string {
    return text.replace(UNSAFE, escapeChar);
}

/** Escapes like `escapeText` but keeps line breaks: for whole messages that are several lines on purpose. */
export function escapeLines(text: string): string {
    return text.replace(UNSAFE, (char) => (char === "\n" ? char : escapeChar(char)));
}

/** Cuts `text` to `max` characters (whole code points), saying how many were left out. */
export function truncate(text: string, max: number = MAX_SHOWN_CHARS): string {
    const chars = Array.from(text);
    if (chars.length <= max) return text;
    return `${chars.slice(0, max).join("")}… (${chars.length - max} more characters)`;
}

/** A piece of outside text as it may appear inside a line: escaped, then cut to `max`. */
export function printable(text: string, max: number = MAX_SHOWN_CHARS): string {
    return truncate(escapeText(text), max);
}

/**
 * A config value as plans and errors show it: JSON (strings quoted), escaped
 * and cut short. `undefined` is shown as `absent`.
 */
export function showValue(value: unknown, max: number = MAX_SHOWN_CHARS): string {
    if (value === undefined) return "absent";
    // JSON.stringify gives undefined for functions and symbols, which config values never are.
    const json = JSON.stringify(value) ?? typeof value;
    // JSON.stringify already escapes C0 controls; the bidi characters and C1 controls it leaves as they are.
    return truncate(escapeText(json), max);
}
