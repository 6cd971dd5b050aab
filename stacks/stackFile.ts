/**
 * Stack files (`Pulumi.<stack>.yaml`) as documents: read, edit the non-secret
 * keys in place, back up, write atomically, restore. Edits go through the yaml
 * Document API, so `secure:` values, `encryptionsalt`, comments and key order
 * stay byte-for-byte what they were. Pure apart from the file system.
 */
import * as fs from "fs";
import * as path from "path";
import { Document, isMap, isScalar, parseDocument, YAMLMap } from "yaml";
import { parseConfigValue } from "../config/validate";
import type { RawStackConfig } from "../config/validate";
import { UserError } from "../core/errors";
import { FileChange, readTextFile } from "../core/files";
import { printable } from "../core/text";
import type { ConfigEdit, StackConfigView } from "./edits";

/** How many alias uses a stack file may hold: enough for any hand-written file, too few for an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export interface StackFile {
    readonly file: string;
    readonly text: string;
    readonly view: StackConfigView;
    readonly doc: Document;
    /** The YAML key of each config key (`ade:version` for `version`). */
    readonly yamlKeys: ReadonlyMap<string, string>;
}

/** The project name from Pulumi.yaml: the namespace of the stack files' config keys. */
export function projectName(root: string): string {
    const file = path.join(root, "Pulumi.yaml");
    const { data } = parseYaml(file, readTextFile(file, { fix: "run ade inside the project (or set ADE_PROJECT_DIR)" }));
    const name = (data as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name === "") throw new UserError(`${printable(file)}: has no project name (add a line: name: ade)`);
    return name;
}

/** Reads a stack file; a YAML error names the file, line and column. Keys of other namespaces are left out. */
export function readStackFile(file: string, stack: string, project: string): StackFile {
    return parseStackFile(file, stack, project, readTextFile(file, { fix: `create it with: pulumi stack init ${printable(stack)}` }));
}

/** Parses a stack file's text; `file` names it in errors. */
export function parseStackFile(file: string, stack: string, project: string, text: string): StackFile {
    const { doc, data } = parseYaml(file, text);
    const config = doc.get("config", true);
    const values: Record<string, unknown> = {};
    const secrets = new Set<string>();
    const yamlKeys = new Map<string, string>();
    const plain = (data as { config?: Record<string, unknown> } | null)?.config ?? {};
    if (config !== undefined && config !== null && !(isScalar(config) && config.value === null)) {
        if (!isMap(config)) throw new UserError(`${printable(file)}: \`config\` must be a mapping of keys to values (fix the file, or put a backup back with: ade promote --restore <backup>)`);
        for (const pair of config.items) {
            const yamlKey = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
            const colon = yamlKey.indexOf(":");
            if (colon !== -1 && yamlKey.slice(0, colon) !== project) continue;
            const key = yamlKey.slice(colon + 1);
            yamlKeys.set(key, yamlKey);
            if (isMap(pair.value) && pair.value.items.length === 1 && isScalar(pair.value.items[0]?.key) && pair.value.items[0].key.value === "secure") {
                secrets.add(key);
            } else {
                values[key] = plain[yamlKey] ?? null;
            }
        }
    }
    return { file, text, doc, yamlKeys, view: { stack, values, secrets } };
}

/**
 * The stack file's text after the edits, which touch non-secret keys only.
 * A new top-level key goes before the first secret, so secrets stay together at the end.
 */
export function editedText(stackFile: StackFile, project: string, edits: readonly ConfigEdit[]): string {
    const doc = stackFile.doc.clone();
    if (!isMap(doc.get("config", true))) doc.set("config", doc.createNode({}));
    const config = doc.get("config", true) as YAMLMap;
    const yamlKey = (key: string) => stackFile.yamlKeys.get(key) ?? `${project}:${key}`;
    for (const edit of edits) {
        const [key, ...rest] = edit.path;
        if (key === undefined) throw new Error("a config edit needs a path");
        if (stackFile.view.secrets.has(key)) throw new Error(`refusing to edit secret ${key}: secrets are never copied`);
        const docPath = ["config", yamlKey(key), ...rest];
        if (edit.kind === "remove") {
            doc.deleteIn(docPath);
            for (let depth = docPath.length - 1; depth > 1; depth--) {
                const parent = doc.getIn(docPath.slice(0, depth), true);
                if (isMap(parent) && parent.items.length === 0) doc.deleteIn(docPath.slice(0, depth));
            }
        } else if (config.has(yamlKey(key))) {
            const existing = doc.getIn(docPath, true);
            // Changing the scalar itself keeps its comment and quoting style.
            if (isScalar(existing) && (edit.value === null || typeof edit.value !== "object")) existing.value = edit.value;
            else doc.setIn(docPath, doc.createNode(edit.value));
        } else {
            const value = rest.reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), edit.value);
            const firstSecret = config.items.findIndex((p) => isMap(p.value) && p.value.has("secure"));
            const pair = doc.createPair(yamlKey(key), value);
            config.items.splice(firstSecret === -1 ? config.items.length : firstSecret, 0, pair);
        }
    }
    return doc.toString();
}

/** Where the backups of a stack's file go: `<root>/.ade/backups/<stack>/`. */
export function backupDir(root: string, stack: string): string {
    return path.join(root, ".ade", "backups", stack);
}

/**
 * A backup of the stack file's current text, as a new file to write:
 * `<root>/.ade/backups/<stack>/<UTC timestamp>-Pulumi.<stack>.yaml`, never one that exists.
 */
export function backupChange(root: string, stack: string, text: string, now: Date = new Date()): FileChange {
    const dir = backupDir(root, stack);
    const stamp = now.toISOString().replace(/:/g, "-");
    for (let n = 1; ; n++) {
        const file = path.join(dir, `${stamp}${n === 1 ? "" : `-${n}`}-Pulumi.${stack}.yaml`);
        if (!fs.existsSync(file)) return { file, text, create: true };
    }
}

/** The stack a backup file belongs to, from its name. */
export function backupStack(backupFile: string): string {
    const stack = /^\d{4}-\d\d-\d\dT[\d.-]+Z(?:-\d+)?-Pulumi\.(.+)\.yaml$/.exec(path.basename(backupFile))?.[1];
    if (stack === undefined) {
        throw new UserError(`${printable(backupFile)}: not an ade backup (expected <UTC timestamp>-Pulumi.<stack>.yaml from .ade/backups/<stack>/)`);
    }
    return stack;
}

/** The secrets provider fields of a stack file: equal fields mean its `secure:` values decrypt with the same passphrase or key. */
export function secretsProvider(file: StackFile): Readonly<Record<string, string | undefined>> {
    const field = (name: string) => {
        const value = file.doc.get(name);
        return typeof value === "string" ? value : undefined;
    };
    return { encryptionsalt: field("encryptionsalt"), secretsprovider: field("secretsprovider"), encryptedkey: field("encryptedkey") };
}

/** The encrypted (`secure:`) values of the stack's secrets by key, to tell which a restore would change without decrypting them. */
export function secureValues(file: StackFile): Map<string, string> {
    const found = new Map<string, string>();
    for (const key of file.view.secrets) {
        const value = file.doc.getIn(["config", file.yamlKeys.get(key) ?? key, "secure"]);
        found.set(key, typeof value === "string" ? value : "");
    }
    return found;
}

/** Parses YAML text into a document and its plain value; every problem with it is a `UserError` naming the file. */
function parseYaml(file: string, text: string): { doc: Document; data: unknown } {
    const shown = printable(file);
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
        const lines = doc.errors.map((e) => {
            const where = e.linePos?.[0];
            const message = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "");
            return `${shown}:${where?.line ?? "?"}:${where?.col ?? "?"}: ${printable(message)}`;
        });
        throw new UserError(
            `${lines.join("\n")}\n${shown} is not valid YAML: fix the line above (or put a backup back with: ade promote --restore <file under .ade/backups/>)`,
        );
    }
    if (doc.contents !== null && !isMap(doc.contents)) throw new UserError(`${shown}: must be a YAML mapping with a \`config:\` key`);
    let data: unknown;
    try {
        data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
        const message = (error as Error).message;
        const unresolved = /Unresolved alias.*?: (.*)$/.exec(message)?.[1];
        if (unresolved !== undefined) {
            throw new UserError(`${shown}: the alias *${printable(unresolved)} has no anchor &${printable(unresolved)} before it: define the anchor first or write the value out`);
        }
        if (/alias count/i.test(message)) {
            throw new UserError(`${shown}: its YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies (an alias bomb?): write the values out instead of aliasing them`);
        }
        throw new UserError(`${shown}: cannot be read as YAML: ${printable(message)}`);
    }
    return { doc, data };
}

export function stackFilePath(root: string, stack: string): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/**
 * A stack's config as its file holds it: non-secret values as the program reads
 * them (`parseConfigValue`), secrets only by presence.
 */
export function readRawStackConfig(root: string, stack: string, project: string): RawStackConfig {
    return rawStackConfig(readStackFile(stackFilePath(root, stack), stack, project));
}

/** A read stack file's config as the program would get it: strings parsed like Pulumi hands them over, secrets by presence. */
export function rawStackConfig(file: StackFile): RawStackConfig {
    const values = Object.fromEntries(
        Object.entries(file.view.values).map(([key, value]) => [key, typeof value === "string" ? parseConfigValue(key, value) : value]),
    );
    return { values, secrets: file.view.secrets };
}

/** The stack file after `edits` (non-secret keys only), as a change to write. */
export function stackFileEdit(root: string, stack: string, project: string, edits: readonly ConfigEdit[]): FileChange {
    const file = stackFilePath(root, stack);
    return { file, text: editedText(readStackFile(file, stack, project), project, edits) };
}
