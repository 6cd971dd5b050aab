/**
 * Turns a stack's raw config into a typed `StackConfig`, or into every problem
 * with it at once, one line each. Pure: the Pulumi program and the `ade` CLI
 * share it, so `ade promote` refuses exactly what `pulumi preview` would.
 */
import { z } from "zod";
import { productionViolations } from "./invariants";
import { CONFIG_KEYS, OPTIONAL_SECRET_KEY_NAMES, SECRET_KEY_NAMES, STRING_KEYS, StackConfig, stackConfigSchema } from "./schema";

const ALL_SECRET_KEY_NAMES: readonly string[] = [...SECRET_KEY_NAMES, ...OPTIONAL_SECRET_KEY_NAMES];

export type Validation = { ok: true; config: StackConfig } | { ok: false; problems: string[] };

/** A stack file's `config:` block, without the project prefix: values are what Pulumi hands the program. */
export interface RawStackConfig {
    /** Non-secret values, already parsed from YAML/JSON. */
    readonly values: Readonly<Record<string, unknown>>;
    /** Names of the secret keys that hold a value. */
    readonly secrets: ReadonlySet<string>;
}

export function validateStackConfig(stack: string, raw: RawStackConfig): Validation {
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw.values)) {
        if (ALL_SECRET_KEY_NAMES.includes(key)) {
            problems.push(`${key}: must be a secret, not a plain value (run: pulumi config set --secret ${key} <value> --stack ${stack})`);
        } else if (!CONFIG_KEYS.includes(key)) {
            problems.push(`${key}: unknown key (allowed: ${[...CONFIG_KEYS, ...ALL_SECRET_KEY_NAMES].join(", ")}; remove it with: pulumi config rm ${key} --stack ${stack})`);
        } else {
            values[key] = value;
        }
    }
    for (const key of raw.secrets) {
        if (!ALL_SECRET_KEY_NAMES.includes(key)) {
            problems.push(`${key}: unknown secret (allowed: ${ALL_SECRET_KEY_NAMES.join(", ")}; remove it with: pulumi config rm ${key} --stack ${stack})`);
        }
    }
    for (const key of SECRET_KEY_NAMES) {
        if (!raw.secrets.has(key) && !(key in raw.values)) {
            problems.push(`${key}: missing secret (run: pulumi config set --secret ${key} <value> --stack ${stack})`);
        }
    }
    const parsed = stackConfigSchema.safeParse(values);
    if (!parsed.success) {
        problems.unshift(...parsed.error.issues.flatMap((issue) => describeIssue(issue, values)));
        return { ok: false, problems };
    }
    if (raw.secrets.has("alertWebhookToken") && parsed.data.monitoring.alertmanager.webhook === undefined) {
        problems.push(`alertWebhookToken: is set but monitoring.alertmanager.webhook is not, so no alert would carry it: set the webhook (pulumi config set --path monitoring.alertmanager.webhook.url <url> --stack ${stack}) or remove the token (pulumi config rm alertWebhookToken --stack ${stack})`);
    }
    problems.push(...productionViolations(parsed.data));
    return problems.length === 0 ? { ok: true, config: parsed.data } : { ok: false, problems };
}

/** Parses one raw Pulumi config value the way the program reads it. */
export function parseConfigValue(key: string, text: string): unknown {
    if (STRING_KEYS.has(key)) return text;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return text;
    }
}

export function formatProblems(stack: string, problems: readonly string[]): string {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    return [
        `Stack "${stack}" has invalid config (${count}):`,
        ...problems.map((p) => `  ${p}`),
        `Fix each value with \`pulumi config set --path <key> <value> --stack ${stack}\` (secrets with --secret), then run the command again.`,
    ].join("\n");
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string[] {
    const path = issue.path.map(String);
    const where = path.length === 0 ? "config" : path.join(".");
    const input = valueAt(root, path);
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((key) => `${path.length === 0 ? key : `${where}.${key}`}: unknown key (allowed: ${allowedKeys(path).join(", ")})`);
        case "invalid_type": {
            if (input === undefined) return [`${where}: is required`];
            const message = isDefaultMessage(issue.message) ? `must be ${article(issue.expected)}` : issue.message;
            return [`${where}: ${message} (got ${show(input)})`];
        }
        case "invalid_key": {
            const message = issue.issues[0]?.message ?? issue.message;
            return [`${where}: ${message} (got ${show(input)})`];
        }
        default: {
            const got = input === undefined || issue.message.includes("(got") ? "" : ` (got ${show(input)})`;
            return [`${where}: ${issue.message}${got}`];
        }
    }
}

/** Zod's own wording, replaced by ours where the schema gave none. */
function isDefaultMessage(message: string): boolean {
    return message.startsWith("Invalid input");
}

function article(expected: string): string {
    return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function show(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return `array ${JSON.stringify(value)}`;
    if (typeof value === "object") {
        const json = JSON.stringify(value);
        return json.length <= 40 ? json : "an object";
    }
    return JSON.stringify(value);
}

function valueAt(root: unknown, path: readonly string[]): unknown {
    let node = root;
    for (const segment of path) {
        if (node === null || typeof node !== "object") return undefined;
        node = (node as Record<string, unknown>)[segment];
    }
    return node;
}

/** The keys an object at `path` of the schema accepts, for "unknown key" messages. */
function allowedKeys(path: readonly string[]): string[] {
    let schema: z.ZodType = stackConfigSchema;
    for (const segment of path) {
        schema = unwrap(schema);
        if (schema instanceof z.ZodObject) {
            const next = (schema.shape as Record<string, z.ZodType | undefined>)[segment];
            if (next === undefined) return [];
            schema = next;
        } else if (schema instanceof z.ZodRecord) {
            schema = schema.valueType as z.ZodType;
        } else {
            return [];
        }
    }
    schema = unwrap(schema);
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Strips optional/default/nullable wrappers down to the schema that holds the shape. */
export function unwrap(schema: z.ZodType): z.ZodType {
    let s = schema;
    for (;;) {
        if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
            s = s.unwrap() as z.ZodType;
        } else {
            return s;
        }
    }
}
