/**
 * Turns a stack's raw config into a typed `StackConfig`, or into every problem
 * with it at once, one line each. Pure: the Pulumi program and the `ade` CLI
 * share it, so `ade promote` refuses exactly what `pulumi preview` would.
 */
import { z } from "zod";
import { nearest } from "../core/suggest";
import { printable, showValue } from "../core/text";
import { environmentForStack } from "./environment";
import { productionViolations } from "./invariants";
import { crossStackPortClashes, OtherStack, publishedBindings, valuesBindings } from "./ports";
import { CONFIG_KEYS, ENVIRONMENTS, OPTIONAL_SECRET_KEY_NAMES, SECRET_KEY_NAMES, SECRET_LOOKING_NAME, STRING_KEYS, StackConfig, stackConfigSchema } from "./schema";

/** The required secrets and the optional ones (each used by one feature). */
const ALL_SECRET_KEY_NAMES: readonly string[] = [...SECRET_KEY_NAMES, ...OPTIONAL_SECRET_KEY_NAMES];

export type Validation = { ok: true; config: StackConfig } | { ok: false; problems: string[] };

/** A stack file's `config:` block, without the project prefix: values are what Pulumi hands the program. */
export interface RawStackConfig {
    /** Non-secret values, already parsed from YAML/JSON. */
    readonly values: Readonly<Record<string, unknown>>;
    /** Names of the secret keys that hold a value. */
    readonly secrets: ReadonlySet<string>;
}

export interface ValidationContext {
    /** The project's other stacks: a host port one of them publishes is refused. */
    readonly otherStacks?: readonly OtherStack[];
}

/**
 * Every problem of a stack's config, one line each, or the typed config. The
 * stack's name decides its environment (config/environment.ts), so the
 * production rules follow the stack, whatever `environment` says.
 */
export function validateStackConfig(stack: string, raw: RawStackConfig, context: ValidationContext = {}): Validation {
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    const name = printable(stack);
    /** Paths a mistyped key was taken for: the schema's "is required" for them would say the same again. */
    const meant = new Set<string>();
    for (const [key, value] of Object.entries(raw.values)) {
        if (ALL_SECRET_KEY_NAMES.includes(key)) {
            problems.push(`${key}: must be a secret, not a plain value (run: pulumi config set --secret ${key} <value> --stack ${name})`);
        } else if (!CONFIG_KEYS.includes(key)) {
            const guess = nearest(key, [...CONFIG_KEYS, ...ALL_SECRET_KEY_NAMES]);
            if (guess !== undefined) {
                meant.add(guess);
                problems.push(`${printable(key)}: unknown key; did you mean ${guess}? (rename it in Pulumi.${name}.yaml)`);
            } else {
                problems.push(
                    `${printable(key)}: unknown key (allowed: ${[...CONFIG_KEYS, ...ALL_SECRET_KEY_NAMES].join(", ")}; remove it with: pulumi config rm ${printable(key)} --stack ${name})`,
                );
            }
        } else {
            values[key] = value;
        }
    }
    for (const key of raw.secrets) {
        if (!ALL_SECRET_KEY_NAMES.includes(key)) {
            const guess = nearest(key, ALL_SECRET_KEY_NAMES);
            if (guess !== undefined && !raw.secrets.has(guess)) {
                meant.add(guess);
                problems.push(`${printable(key)}: unknown secret; did you mean ${guess}? (rename it in Pulumi.${name}.yaml)`);
            } else {
                problems.push(`${printable(key)}: unknown secret (allowed: ${ALL_SECRET_KEY_NAMES.join(", ")}; remove it with: pulumi config rm ${printable(key)} --stack ${name})`);
            }
        }
    }
    for (const key of SECRET_KEY_NAMES) {
        if (!raw.secrets.has(key) && !(key in raw.values) && !meant.has(key)) {
            problems.push(`${key}: missing secret (run: pulumi config set --secret ${key} <value> --stack ${name})`);
        }
    }

    const environment = environmentForStack(stack, values["environment"]);
    if (environment.ok) {
        values["environment"] = environment.environment;
    } else {
        problems.unshift(environment.problem);
        // Checked against the rules of the environment the name says; a name that says none is checked as is.
        if ((ENVIRONMENTS as readonly string[]).includes(stack)) values["environment"] = stack;
    }
    problems.push(...secretLookingVariables(values, name));

    const parsed = stackConfigSchema.safeParse(values);
    if (!parsed.success) {
        const issues = parsed.error.issues
            .filter((issue) => environment.ok || issue.path[0] !== "environment")
            .flatMap((issue) => describeIssue(issue, values, meant));
        problems.splice(environment.ok ? 0 : 1, 0, ...issues);
        // Ports are read from the raw values too, so a clash is reported with the other problems.
        problems.push(...crossStackPortClashes(stack, valuesBindings(values), context.otherStacks ?? []));
        return { ok: false, problems };
    }
    if (raw.secrets.has("alertWebhookToken") && parsed.data.monitoring.alertmanager.webhook === undefined) {
        problems.push(
            `alertWebhookToken: is set but monitoring.alertmanager.webhook is not, so no alert would carry it: set the webhook (pulumi config set --path monitoring.alertmanager.webhook.url <url> --stack ${name}) or remove the token (pulumi config rm alertWebhookToken --stack ${name})`,
        );
    }
    problems.push(...productionViolations(parsed.data), ...crossStackPortClashes(stack, publishedBindings(parsed.data), context.otherStacks ?? []));
    return problems.length === 0 ? { ok: true, config: parsed.data } : { ok: false, problems };
}

/**
 * Plain `env` entries whose names say they hold a secret: they would sit in
 * plain text in the stack file, the state and `docker inspect`.
 */
function secretLookingVariables(values: Readonly<Record<string, unknown>>, stack: string): string[] {
    const problems: string[] = [];
    for (const [service, s] of Object.entries(asObject(values["services"]))) {
        for (const variable of Object.keys(asObject(asObject(s)["env"]))) {
            const word = SECRET_LOOKING_NAME.exec(variable)?.[0];
            if (word === undefined) continue;
            const where = `services.${printable(service)}.env.${printable(variable)}`;
            problems.push(
                `${where}: its name says ${word.toUpperCase()}, and env values are stored in plain text: remove it (pulumi config rm --path ${where} --stack ${stack}) ` +
                    `and keep the value as a Pulumi secret: pulumi config set --secret appSecretKey <value> --stack ${stack}, listed in services.${printable(service)}.secrets`,
            );
        }
    }
    return problems;
}

function asObject(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
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
    const name = printable(stack);
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    return [
        `Stack "${name}" has invalid config (${count}):`,
        ...problems.map((p) => `  ${p}`),
        `Fix each value with \`pulumi config set --path <key> <value> --stack ${name}\` (secrets with --secret), then run the command again.`,
    ].join("\n");
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, meant: ReadonlySet<string>): string[] {
    const path = issue.path.map(String);
    const where = path.length === 0 ? "config" : printable(path.join("."));
    const input = valueAt(root, path);
    switch (issue.code) {
        case "unrecognized_keys":
            return issue.keys.map((key) => {
                const full = path.length === 0 ? printable(key) : `${where}.${printable(key)}`;
                const allowed = allowedKeys(path);
                const guess = nearest(key, allowed);
                return guess !== undefined ? `${full}: unknown key; did you mean ${guess}?` : `${full}: unknown key (allowed: ${allowed.join(", ")})`;
            });
        case "invalid_type": {
            if (input === undefined) return meant.has(path.join(".")) || meantInside(path, root) ? [] : [`${where}: is required`];
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

/** Whether the object holding `path` has a mistyped key close to its last segment (then "is required" would repeat the typo's line). */
function meantInside(path: readonly string[], root: unknown): boolean {
    const last = path[path.length - 1];
    if (last === undefined || path.length < 2) return false;
    const parent = valueAt(root, path.slice(0, -1));
    if (typeof parent !== "object" || parent === null) return false;
    const allowed = allowedKeys(path.slice(0, -1));
    return Object.keys(parent).some((key) => !allowed.includes(key) && nearest(key, allowed) === last);
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
    if (Array.isArray(value)) return `array ${showValue(value)}`;
    if (typeof value === "object") {
        const json = JSON.stringify(value);
        return json.length <= 40 ? showValue(value) : "an object";
    }
    return showValue(value);
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
