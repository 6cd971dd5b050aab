/**
 * Answers, for any config path, what the schema says about it: whether it is
 * environment-specific and where it enters a record (a service by name). Pure:
 * it only walks `stackConfigSchema` and reads the `fieldMeta` registry.
 */
import { z } from "zod";
import { printable } from "../core/text";
import { fieldMeta, stackConfigSchema } from "./schema";
import { unwrap } from "./validate";

export interface PathInfo {
    /** True when the path or one of its ancestors is marked `envSpecific` in the schema. */
    readonly envSpecific: boolean;
    /** False when the schema has no field at this path (the value would be rejected). */
    readonly known: boolean;
    /**
     * Length of the shortest prefix that names one entry of a record
     * (`services.api` for `services.api.hostPort`), if the path goes through one.
     */
    readonly recordEntryDepth: number | undefined;
}

export function pathInfo(path: readonly string[]): PathInfo {
    let schema: z.ZodType = stackConfigSchema;
    let envSpecific = false;
    let recordEntryDepth: number | undefined;
    for (const [index, segment] of path.entries()) {
        const shape = unwrap(schema);
        let next: z.ZodType | undefined;
        if (shape instanceof z.ZodObject) {
            next = (shape.shape as Record<string, z.ZodType | undefined>)[segment];
        } else if (shape instanceof z.ZodRecord) {
            next = shape.valueType as z.ZodType;
            recordEntryDepth ??= index + 1;
        }
        if (next === undefined) return { envSpecific, known: false, recordEntryDepth };
        if (fieldMeta.get(next)?.envSpecific === true) envSpecific = true;
        schema = next;
    }
    return { envSpecific, known: true, recordEntryDepth };
}

/** Every field path the schema marks environment-specific (records shown as `<name>`), for docs and tests. */
export function envSpecificFields(): string[] {
    const found: string[] = [];
    const walk = (schema: z.ZodType, path: string[]): void => {
        if (path.length > 0 && fieldMeta.get(schema)?.envSpecific === true) {
            found.push(path.join("."));
            return;
        }
        const shape = unwrap(schema);
        if (shape instanceof z.ZodObject) {
            for (const [key, child] of Object.entries<z.ZodType>(shape.shape)) walk(child, [...path, key]);
        } else if (shape instanceof z.ZodRecord) {
            walk(shape.valueType as z.ZodType, [...path, "<name>"]);
        }
    };
    walk(stackConfigSchema, []);
    return found;
}

export interface Leaf {
    readonly path: readonly string[];
    readonly value: unknown;
}

/**
 * The leaves of a config value, in document order: scalars, null, arrays and
 * empty objects. Arrays are one leaf because they are replaced, never merged.
 */
export function leaves(values: Readonly<Record<string, unknown>>): Leaf[] {
    const found: Leaf[] = [];
    const walk = (value: unknown, path: string[]): void => {
        if (isPlainObject(value) && Object.keys(value).length > 0) {
            for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
        } else {
            found.push({ path, value });
        }
    };
    for (const [key, value] of Object.entries(values)) walk(value, [key]);
    return found;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Dotted form for people, escaped (core/text.ts); the segments never contain dots (the schema forbids it in names). */
export function showPath(path: readonly string[]): string {
    return printable(path.join("."));
}
