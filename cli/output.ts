/**
 * Everything `ade` prints goes through here: control and bidirectional
 * characters escaped (core/text.ts), line breaks kept. Values are also cut
 * short where they are formatted; this is the last guard for whatever was not.
 */
import { escapeLines } from "../core/text";

export type Write = (text: string) => void;

/** Standard output, escaped. */
export const print: Write = (text) => {
    process.stdout.write(escapeLines(text));
};

/** Wraps a writer (a test's, the progress display's) so that it escapes too. */
export function escaping(write: Write): Write {
    return (text) => write(escapeLines(text));
}
