/**
 * Rules production must satisfy before anything is deployed. They run at
 * preview, so a violating change never reaches `pulumi up`.
 */
import { printable } from "../core/text";
import type { StackConfig } from "./schema";

const LOOPBACK = "127.0.0.1";

/** True when the reference names a fixed tag (not `latest`, in any case) or a digest. */
export function isPinnedImage(ref: string): boolean {
    if (ref.includes("@sha256:")) return true;
    const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    if (colon === -1) return false;
    return lastSegment.slice(colon + 1).toLowerCase() !== "latest";
}

/** Every production rule the config breaks, one line each; empty outside production. */
export function productionViolations(c: StackConfig): string[] {
    if (c.environment !== "production") return [];
    const v: string[] = [];
    const rule = (path: string, message: string) => v.push(`${path}: ${message} [production]`);

    for (const [name, ref] of Object.entries(c.images)) {
        if (!isPinnedImage(ref)) rule(`images.${name}`, `must be pinned to a version tag or digest, not latest or untagged (got "${printable(ref)}")`);
    }
    for (const [name, s] of Object.entries(c.services)) {
        if (s.image !== undefined && !isPinnedImage(s.image)) {
            rule(`services.${name}.image`, `must be pinned to a version tag or digest, not latest or untagged (got "${printable(s.image)}")`);
        }
        if (!s.public && s.bindAddress !== LOOPBACK) {
            rule(`services.${name}.bindAddress`, `only the public service may listen beyond loopback; use 127.0.0.1 (got "${s.bindAddress}")`);
        }
        if (s.build !== undefined) {
            rule(
                `services.${name}.build`,
                `must not be set: production runs the image \`ade release\` built once and testing ran (remove it: pulumi config rm --path services.${name}.build --stack production)`,
            );
        }
        if (s.public && s.replicas < 2) {
            rule(
                `services.${name}.replicas`,
                `must be at least 2 for the public service, so an update or a lost node never takes it down (on the swarm runtime) (got ${s.replicas})`,
            );
        }
    }
    if (c.debug.logLevel === "debug") rule("debug.logLevel", `must not be debug (got "debug")`);
    if (c.debug.endpoints) rule("debug.endpoints", "must be false: debug endpoints are development only (got true)");
    if (c.debug.dbAdmin.enabled) rule("debug.dbAdmin.enabled", "must be false: the database admin tool is development only (got true)");

    const limited: [string, { memoryMb: number; cpus: number }][] = [
        ...Object.entries(c.services).map(([n, s]): [string, typeof s] => [`services.${n}`, s]),
        ["database", c.database],
        ["monitoring.prometheus", c.monitoring.prometheus],
        ["monitoring.grafana", c.monitoring.grafana],
        ["monitoring.alertmanager", c.monitoring.alertmanager],
        ["monitoring.exporters", c.monitoring.exporters],
    ];
    for (const [path, l] of limited) {
        if (l.memoryMb === 0) rule(`${path}.memoryMb`, "must set a memory limit above 0 (got 0)");
        if (l.cpus === 0) rule(`${path}.cpus`, "must set a CPU limit above 0 (got 0)");
    }

    for (const [path, address] of [
        ["monitoring.prometheus.bindAddress", c.monitoring.prometheus.bindAddress],
        ["monitoring.grafana.bindAddress", c.monitoring.grafana.bindAddress],
    ] as const) {
        if (address !== LOOPBACK) rule(path, `must be 127.0.0.1: only the application's public entry leaves loopback (got "${address}")`);
    }
    if (c.monitoring.grafana.anonymousAccess) rule("monitoring.grafana.anonymousAccess", "must be false (got true)");
    if (!c.database.backup.enabled) rule("database.backup.enabled", "must be true: production takes a backup before every database update (got false)");
    if (!c.security.hardened) rule("security.hardened", "must be true (got false)");
    return v;
}
