/**
 * Promotion plans and stack diffs, computed from two stacks' config at leaf
 * granularity. Pure: no Pulumi, no files; the `ade promote` and `ade diff`
 * commands read the stacks and apply the plan.
 *
 * Rules: a leaf the schema marks `envSpecific` (or under such a field) stays as
 * the destination has it; every other leaf is copied, added or removed so the
 * destination matches the source; secrets are never copied or shown.
 */
import { Leaf, isPlainObject, leaves, pathInfo, showPath } from "../config/paths";
import { applyEdits, ConfigEdit, StackConfigView } from "../stacks/edits";
import { Environment, ENVIRONMENTS, SECRET_KEY_NAMES } from "../config/schema";
import { printable, showValue } from "../core/text";


/** A leaf the promotion writes; `before`/`after` are `undefined` when the leaf is absent. */
export interface CopiedLeaf {
    readonly path: readonly string[];
    readonly before: unknown;
    readonly after: unknown;
}

/** An environment-specific leaf that differs between the stacks and stays as the destination has it. */
export interface KeptLeaf {
    readonly path: readonly string[];
    readonly kept: unknown;
    readonly source: unknown;
}

export interface SecretPresence {
    readonly key: string;
    readonly inSource: boolean;
    readonly inDestination: boolean;
}

export interface PromotionPlan {
    readonly from: string;
    readonly to: string;
    readonly copied: readonly CopiedLeaf[];
    readonly kept: readonly KeptLeaf[];
    readonly secrets: readonly SecretPresence[];
    /** Secrets the schema needs or the source has, which the destination lacks: the promotion cannot run. */
    readonly missingSecrets: readonly string[];
    /** Leaves already equal in both stacks. */
    readonly unchanged: number;
    /** The copied leaves as edits: removals first, so a leaf can turn into an object and back. */
    readonly edits: readonly ConfigEdit[];
    /** The destination's non-secret values after the edits, for validation before anything is written. */
    readonly result: Record<string, unknown>;
}

/** One side of a promotion: the stack and the environment its name (or its explicit mapping) makes it. */
export interface PromotionEnd {
    readonly stack: string;
    readonly environment: Environment;
}

/** Why `from → to` is refused, or `undefined` when it is allowed. The direction goes by environment, so a mapped stack promotes like its environment. */
export function directionProblem(from: PromotionEnd, to: PromotionEnd, allowAnyDirection: boolean): string | undefined {
    const [a, b] = [printable(from.stack), printable(to.stack)];
    if (from.stack === to.stack) return `cannot promote "${a}" to itself: name two different stacks`;
    if (allowAnyDirection) return undefined;
    const index = ENVIRONMENTS.indexOf(from.environment);
    if (ENVIRONMENTS[index + 1] === to.environment) return undefined;
    const label = (end: PromotionEnd) => (end.stack === end.environment ? printable(end.stack) : `${printable(end.stack)} (${end.environment})`);
    const allowed = ENVIRONMENTS.slice(1).map((stack, i) => `${ENVIRONMENTS[i]} → ${stack}`);
    return `promotion ${label(from)} → ${label(to)} is not a default direction (allowed: ${allowed.join(", ")}); pass --allow-any-direction to promote ${a} → ${b} anyway`;
}

export function planPromotion(source: StackConfigView, destination: StackConfigView): PromotionPlan {
    const pairs = pairLeaves(source, destination);
    const copied: CopiedLeaf[] = [];
    const kept: KeptLeaf[] = [];
    let unchanged = 0;
    for (const { path, a, b } of pairs) {
        const info = pathInfo(path);
        const entryGone = info.recordEntryDepth !== undefined && valueAt(source.values, path.slice(0, info.recordEntryDepth)) === undefined;
        if (info.envSpecific && !entryGone) {
            if (sameValue(a, b)) unchanged++;
            else kept.push({ path, kept: b, source: a });
        } else if (sameValue(a, b)) {
            unchanged++;
        } else {
            copied.push({ path, before: b, after: entryGone ? undefined : a });
        }
    }
    const edits: ConfigEdit[] = [
        ...copied.filter((c) => c.before !== undefined && (c.after === undefined || !bothScalars(c))).map((c): ConfigEdit => ({ kind: "remove", path: c.path })),
        ...copied.filter((c) => c.after !== undefined).map((c): ConfigEdit => ({ kind: "set", path: c.path, value: c.after })),
    ];
    const secrets = secretPresence(source.secrets, destination.secrets);
    return {
        from: source.stack,
        to: destination.stack,
        copied,
        kept,
        secrets,
        missingSecrets: secrets.filter((s) => !s.inDestination).map((s) => s.key),
        unchanged,
        edits,
        result: applyEdits(destination.values, edits),
    };
}

export interface StackDiff {
    readonly a: string;
    readonly b: string;
    readonly entries: readonly { readonly path: readonly string[]; readonly a: unknown; readonly b: unknown; readonly envSpecific: boolean }[];
    readonly secrets: readonly { readonly key: string; readonly inA: boolean; readonly inB: boolean }[];
    readonly identical: number;
}

export function diffStacks(a: StackConfigView, b: StackConfigView): StackDiff {
    const entries: StackDiff["entries"][number][] = [];
    let identical = 0;
    for (const pair of pairLeaves(a, b)) {
        if (sameValue(pair.a, pair.b)) identical++;
        else entries.push({ ...pair, envSpecific: pathInfo(pair.path).envSpecific });
    }
    const secrets = secretPresence(a.secrets, b.secrets).map((s) => ({ key: s.key, inA: s.inSource, inB: s.inDestination }));
    return { a: a.stack, b: b.stack, entries, secrets, identical };
}

export function formatPlan(plan: PromotionPlan): string {
    const [from, to] = [printable(plan.from), printable(plan.to)];
    const lines = [`Promotion ${from} → ${to}`];
    lines.push(plan.copied.length === 0 ? `  copied from ${from}: nothing (${to} already matches)` : `  copied from ${from} (${plan.copied.length}):`);
    for (const c of plan.copied) {
        if (c.before === undefined) lines.push(`    + ${showPath(c.path)}: ${show(c.after)}`);
        else if (c.after === undefined) lines.push(`    - ${showPath(c.path)}: ${show(c.before)} (absent in ${from})`);
        else lines.push(`    ~ ${showPath(c.path)}: ${show(c.before)} → ${show(c.after)}`);
    }
    if (plan.kept.length > 0) lines.push(`  kept in ${to}, environment-specific (${plan.kept.length}):`);
    for (const k of plan.kept) lines.push(`    = ${showPath(k.path)}: ${show(k.kept)} (${from}: ${show(k.source)})`);
    if (plan.secrets.length > 0) lines.push(`  secrets, never copied (${plan.secrets.length}):`);
    for (const s of plan.secrets) {
        lines.push(s.inDestination ? `    = ${printable(s.key)}: ${to} keeps its own value (not shown)` : `    ! ${printable(s.key)}: missing in ${to}`);
    }
    lines.push(`  unchanged: ${plan.unchanged} ${plan.unchanged === 1 ? "key" : "keys"} already equal`);
    return lines.join("\n");
}

export function formatDiff(diff: StackDiff): string {
    const [a, b] = [printable(diff.a), printable(diff.b)];
    const lines = [`Config of ${a} and ${b} (left: ${a}, right: ${b}; [env] = environment-specific, never promoted)`];
    if (diff.entries.length === 0) lines.push("  no non-secret differences");
    for (const e of diff.entries) {
        const mark = e.a === undefined ? ">" : e.b === undefined ? "<" : "~";
        lines.push(`  ${mark} ${showPath(e.path)}${e.envSpecific ? " [env]" : ""}: ${show(e.a)} | ${show(e.b)}`);
    }
    if (diff.secrets.length > 0) lines.push("  secrets (values never shown):");
    for (const s of diff.secrets) {
        const where = s.inA && s.inB ? "present in both (whether the values differ is unknown)" : s.inA ? `only in ${a}` : s.inB ? `only in ${b}` : "absent in both";
        lines.push(`    ${printable(s.key)}: ${where}`);
    }
    lines.push(`  identical: ${diff.identical} ${diff.identical === 1 ? "key" : "keys"}`);
    return lines.join("\n");
}

/** Non-secret leaves of both stacks by path: the first stack's order, then the second's own. Keys secret in either are left out. */
function pairLeaves(a: StackConfigView, b: StackConfigView): { path: readonly string[]; a: unknown; b: unknown }[] {
    const secret = (leaf: Leaf) => a.secrets.has(leaf.path[0] as string) || b.secrets.has(leaf.path[0] as string);
    const byPath = new Map<string, { path: readonly string[]; a: unknown; b: unknown }>();
    for (const leaf of leaves(a.values).filter((l) => !secret(l))) byPath.set(JSON.stringify(leaf.path), { path: leaf.path, a: leaf.value, b: undefined });
    for (const leaf of leaves(b.values).filter((l) => !secret(l))) {
        const key = JSON.stringify(leaf.path);
        byPath.set(key, { path: leaf.path, a: byPath.get(key)?.a, b: leaf.value });
    }
    return [...byPath.values()];
}

/** The schema's secrets first, in its order, then any other secret either stack holds: each one the destination must have. */
function secretPresence(source: ReadonlySet<string>, destination: ReadonlySet<string>): SecretPresence[] {
    const names = [...new Set([...SECRET_KEY_NAMES, ...source, ...destination])];
    return names.map((key) => ({ key, inSource: source.has(key), inDestination: destination.has(key) }));
}

function bothScalars(c: CopiedLeaf): boolean {
    return !isPlainObject(c.before) && !isPlainObject(c.after);
}

function sameValue(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

function valueAt(root: unknown, path: readonly string[]): unknown {
    let node = root;
    for (const segment of path) {
        if (!isPlainObject(node)) return undefined;
        node = node[segment];
    }
    return node;
}

function show(value: unknown): string {
    return showValue(value);
}
