/**
 * Migration of a legacy `.env` file into a stack's config: which variable
 * becomes which config key, with which type, and which become secrets. Pure:
 * the `ade env import` command parses the file with dotenv and writes the result.
 */
import { SECRET_KEY_NAMES } from "../config/schema";
import { printable, showValue } from "../core/text";
import type { ConfigEdit } from "../stacks/edits";

export type EnvValueType = "string" | "integer" | "boolean";

export interface EnvMapping {
    readonly path: readonly string[];
    readonly type: EnvValueType;
}

const to = (dotted: string, type: EnvValueType = "string"): EnvMapping => ({ path: dotted.split("."), type });

/** The documented mapping (docs/promotion.md): legacy variable → config key. */
export const ENV_MAPPING: Readonly<Record<string, EnvMapping>> = {
    APP_VERSION: to("version"),
    API_PORT: to("services.api.port", "integer"),
    API_HOST_PORT: to("services.api.hostPort", "integer"),
    API_BIND_ADDRESS: to("services.api.bindAddress"),
    API_HEALTH_PATH: to("services.api.healthPath"),
    LOG_LEVEL: to("debug.logLevel"),
    DEBUG_ENDPOINTS: to("debug.endpoints", "boolean"),
    ADMINER_PORT: to("debug.dbAdmin.hostPort", "integer"),
    DB_NAME: to("database.name"),
    DB_USER: to("database.user"),
    DB_HOST_PORT: to("database.hostPort", "integer"),
    DB_PASSWORD: to("databasePassword"),
    PROMETHEUS_PORT: to("monitoring.prometheus.hostPort", "integer"),
    PROMETHEUS_RETENTION_DAYS: to("monitoring.prometheus.retentionDays", "integer"),
    GRAFANA_PORT: to("monitoring.grafana.hostPort", "integer"),
    GRAFANA_ANONYMOUS_ACCESS: to("monitoring.grafana.anonymousAccess", "boolean"),
    GRAFANA_ADMIN_PASSWORD: to("grafanaAdminPassword"),
    SECRET_KEY: to("appSecretKey"),
    APP_SECRET_KEY: to("appSecretKey"),
};

/** Variables whose names match this are sensitive: imported as secrets, their values never shown. */
export const SENSITIVE_NAME = /PASSWORD|SECRET|TOKEN|KEY$/i;

export interface EnvImportOptions {
    /** Variables to treat as sensitive although their names do not match `SENSITIVE_NAME`. */
    readonly secret: readonly string[];
    /** Variables to treat as not sensitive although their names match `SENSITIVE_NAME`. */
    readonly plain: readonly string[];
    /** Skip variables the mapping does not know instead of refusing the file. */
    readonly ignoreUnknown: boolean;
}

export interface ImportedEntry {
    readonly variable: string;
    readonly key: string;
    readonly secret: boolean;
    /** The converted value; never printed when `secret` is true. */
    readonly value: unknown;
}

export interface EnvImportPlan {
    readonly entries: readonly ImportedEntry[];
    /** The non-secret entries as edits of the stack's config. */
    readonly edits: readonly ConfigEdit[];
    /** Secret config keys with their values, to be set encrypted by the stack's own secrets provider. */
    readonly secrets: readonly { readonly key: string; readonly value: string }[];
    readonly ignored: readonly string[];
    /** Every reason the file cannot be imported, one line each; empty when it can. */
    readonly problems: readonly string[];
}

export function planEnvImport(env: Readonly<Record<string, string>>, stack: string, options: EnvImportOptions): EnvImportPlan {
    const problems: string[] = [];
    const entries: ImportedEntry[] = [];
    const ignored: string[] = [];
    for (const [flag, names] of [
        ["--secret", options.secret],
        ["--plain", options.plain],
    ] as const) {
        for (const name of names.filter((n) => !(n in env))) problems.push(`${flag} ${printable(name)}: the .env file has no variable ${printable(name)} (drop ${flag} ${printable(name)})`);
    }
    for (const name of options.secret.filter((n) => options.plain.includes(n))) problems.push(`${printable(name)}: given both --secret and --plain (keep one)`);

    for (const [variable, text] of Object.entries(env)) {
        const sensitive = options.secret.includes(variable) || (SENSITIVE_NAME.test(variable) && !options.plain.includes(variable));
        const mapping = ENV_MAPPING[variable];
        if (mapping === undefined) {
            if (options.ignoreUnknown) ignored.push(variable);
            else
                problems.push(
                    `${printable(variable)}: unknown .env variable (known: ${Object.keys(ENV_MAPPING).join(", ")}); set its config key by hand with pulumi config set --path <key> <value> --stack ${printable(stack)}, or pass --ignore-unknown to skip it`,
                );
            continue;
        }
        const key = mapping.path.join(".");
        const secretKey = mapping.path.length === 1 && (SECRET_KEY_NAMES as readonly string[]).includes(key);
        if (sensitive && !secretKey) {
            problems.push(`${variable}: treated as a secret (name matches ${String(SENSITIVE_NAME)} or --secret), but ${key} is not a secret config key; pass --plain ${variable} to import it as plain config`);
            continue;
        }
        if (!sensitive && secretKey) {
            problems.push(`${variable}: treated as plain (--plain ${variable}), but ${key} must be a secret; drop --plain ${variable}`);
            continue;
        }
        const value = convert(text, mapping.type);
        if (value === undefined) {
            const shown = sensitive ? "value not shown" : `got ${showValue(text)}`;
            problems.push(`${variable}: must be ${mapping.type === "integer" ? "a whole number" : "true or false"} for ${key} (${shown})`);
            continue;
        }
        const earlier = entries.find((e) => e.key === key);
        if (earlier === undefined) entries.push({ variable, key, secret: sensitive, value });
        else if (JSON.stringify(earlier.value) !== JSON.stringify(value)) problems.push(`${earlier.variable} and ${variable}: both set ${key} to different values (keep one of them)`);
    }
    return {
        entries,
        edits: entries.filter((e) => !e.secret).map((e): ConfigEdit => ({ kind: "set", path: e.key.split("."), value: e.value })),
        secrets: entries.filter((e) => e.secret).map((e) => ({ key: e.key, value: String(e.value) })),
        ignored,
        problems,
    };
}

/**
 * Lines dotenv would silently skip or misread: anything that is not
 * `NAME=value`, a comment or blank, and quoted values that never close.
 */
export function envFileProblems(file: string, text: string): string[] {
    const problems: string[] = [];
    let open: { quote: string; line: number } | undefined;
    for (const [index, line] of text.split(/\r?\n/).entries()) {
        if (open !== undefined) {
            if (line.includes(open.quote)) open = undefined;
            continue;
        }
        const trimmed = line.trim();
        if (trimmed === "" || trimmed.startsWith("#")) continue;
        const match = /^(?:export\s+)?[A-Za-z_][\w.-]*\s*=\s*(.*)$/.exec(trimmed);
        if (match === null) {
            problems.push(`${printable(file)}:${index + 1}: not a NAME=value line (each line must be NAME=value, a # comment or blank; fix or remove it)`);
            continue;
        }
        const value = match[1] ?? "";
        const quote = value[0];
        if ((quote === '"' || quote === "'" || quote === "`") && !value.slice(1).includes(quote)) open = { quote, line: index + 1 };
    }
    if (open !== undefined) problems.push(`${printable(file)}:${open.line}: the quoted value is never closed (add the closing ${open.quote})`);
    return problems;
}

export function formatEnvImport(plan: EnvImportPlan, stack: string, file: string): string {
    const lines = [`Import ${printable(file)} into ${printable(stack)} (${plan.entries.length} ${plan.entries.length === 1 ? "key" : "keys"}):`];
    for (const e of plan.entries) lines.push(`  ${e.variable} → ${e.key}: ${e.secret ? "secret (value not shown)" : showValue(e.value)}`);
    if (plan.ignored.length > 0) lines.push(`  ignored (--ignore-unknown): ${plan.ignored.map((v) => printable(v)).join(", ")}`);
    return lines.join("\n");
}

function convert(text: string, type: EnvValueType): unknown {
    switch (type) {
        case "string":
            return text;
        case "integer":
            return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
        case "boolean": {
            const word = text.trim().toLowerCase();
            if (["true", "yes", "1"].includes(word)) return true;
            if (["false", "no", "0"].includes(word)) return false;
            return undefined;
        }
    }
}
