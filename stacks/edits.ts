/**
 * Edits of a stack's non-secret config, as plans (promotion, .env import,
 * releases) express them and stack files apply them. Pure.
 */
import { isPlainObject } from "../config/paths";

/** One stack's config without the project prefix: non-secret values and the names of its secrets. */
export interface StackConfigView {
    readonly stack: string;
    readonly values: Readonly<Record<string, unknown>>;
    readonly secrets: ReadonlySet<string>;
}

/** An edit of the destination's non-secret config; `undefined` never appears as a value. */
export type ConfigEdit = { readonly kind: "set"; readonly path: readonly string[]; readonly value: unknown } | { readonly kind: "remove"; readonly path: readonly string[] };

/** The values after the edits; the input is not changed. Emptied objects are removed with their last leaf. */
export function applyEdits(values: Readonly<Record<string, unknown>>, edits: readonly ConfigEdit[]): Record<string, unknown> {
    const result = structuredClone(values) as Record<string, unknown>;
    for (const edit of edits) {
        const parents: Record<string, unknown>[] = [result];
        for (const segment of edit.path.slice(0, -1)) {
            const parent = parents[parents.length - 1] as Record<string, unknown>;
            const existing = parent[segment];
            if (isPlainObject(existing)) {
                parents.push(existing);
            } else if (edit.kind === "set") {
                const created: Record<string, unknown> = {};
                parent[segment] = created;
                parents.push(created);
            } else {
                break;
            }
        }
        const last = edit.path[edit.path.length - 1] as string;
        if (edit.kind === "set") {
            (parents[parents.length - 1] as Record<string, unknown>)[last] = structuredClone(edit.value);
        } else if (parents.length === edit.path.length) {
            delete (parents[parents.length - 1] as Record<string, unknown>)[last];
            for (let depth = parents.length - 1; depth > 0 && Object.keys(parents[depth] as object).length === 0; depth--) {
                delete (parents[depth - 1] as Record<string, unknown>)[edit.path[depth - 1] as string];
            }
        }
    }
    return result;
}

