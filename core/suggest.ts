/** "Did you mean ...?" for a mistyped name: the nearest known name by edit distance, if it is near enough. */
import { distance } from "fastest-levenshtein";

/**
 * The candidate nearest to `word` (case-insensitively), or undefined when none
 * is within a third of the word's length (at least 1, at most 3 edits): far
 * enough to catch a dropped, doubled or swapped letter, near enough not to
 * suggest an unrelated name.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
    const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        if (candidate === word) continue;
        const d = distance(word.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= limit ? best : undefined;
}
