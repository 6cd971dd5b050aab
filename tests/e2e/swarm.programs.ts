/**
 * The Swarm fidelity suite's inline programs: a service configured the way the
 * platform will configure its Swarm services, the Swarm objects it uses, and
 * small programs for the cases the real provider plans a change for on every
 * update. Each program reads the settings the test changes between steps.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PulumiFn } from "@pulumi/pulumi/automation";

/** Every object the suite makes, in the shared engine and in its Swarm, is named with this prefix. */
export const SWARM_PREFIX = "ade-swfid";

/** The application image in the Swarm's engine: versions 1 and 2 are healthy, 3 never is (no /healthy). */
export const appImage = (version: string) => `${SWARM_PREFIX}/app:${version}`;
const healthy = { tests: ["CMD", "test", "-f", "/healthy"], interval: "1s", timeout: "3s", retries: 2, startPeriod: "1s" };
const n = (s: string) => `${SWARM_PREFIX}-${s}`;
const base64 = (text: string) => Buffer.from(text).toString("base64");

export interface ServiceSettings {
    version: string;
    secret: string;
}

/**
 * An overlay network, a secret, a config and a service that uses them all, with
 * every field written the way the provider reads it back, through a provider
 * whose host is the Swarm manager.
 */
export function service(host: string, s: ServiceSettings): PulumiFn {
    return () => {
        const provider = new docker.Provider("swarm", { host });
        const opts = { provider };
        const net = new docker.Network("net", { name: n("net"), driver: "overlay", attachable: true }, opts);
        const secret = new docker.Secret("secret", { name: n(`token-${s.secret}`), data: pulumi.secret(base64(`token ${s.secret}`)) }, opts);
        const config = new docker.ServiceConfig("config", { name: n("conf-1"), data: base64("level=info\n"), labels: [{ label: "ade.fid", value: "swarm" }] }, opts);
        const app = new docker.Service(
            "app",
            {
                name: n("app"),
                labels: [{ label: "ade.fid", value: "swarm" }],
                mode: { replicated: { replicas: 2 } },
                taskSpec: {
                    containerSpec: {
                        image: appImage(s.version),
                        commands: ["sleep"],
                        args: ["3600"],
                        env: { APP_VERSION: s.version, LOG_LEVEL: "info" },
                        user: "1000:1000",
                        readOnly: true,
                        healthcheck: healthy,
                        secrets: [{ secretId: secret.id, secretName: secret.name, fileName: "token", fileUid: "1000", fileGid: "1000", fileMode: 0o400 }],
                        configs: [{ configId: config.id, configName: config.name, fileName: "/etc/app.conf", fileMode: 0o444 }],
                        mounts: [{ target: "/data", source: n("data"), type: "volume" }],
                        stopGracePeriod: "5s",
                        stopSignal: "SIGTERM",
                        capDrops: ["ALL"],
                        labels: [{ label: "ade.fid", value: "swarm" }],
                    },
                    networksAdvanceds: [{ id: net.id, aliases: ["app"] }],
                    placement: { constraints: ["node.role==manager"], maxReplicas: 4 },
                    resources: { limits: { memoryBytes: 64 * 1024 * 1024, nanoCpus: 500_000_000 }, reservation: { memoryBytes: 16 * 1024 * 1024 } },
                    restartPolicy: { condition: "any", maxAttempts: 3, delay: "5s", window: "1m" },
                    logDriver: { name: "json-file", options: { "max-size": "10m", "max-file": "3" } },
                },
                updateConfig: { parallelism: 1, delay: "0s", order: "start-first", failureAction: "rollback", monitor: "5s", maxFailureRatio: "0.0" },
                rollbackConfig: { parallelism: 1, delay: "0s", order: "start-first", failureAction: "pause", monitor: "5s", maxFailureRatio: "0.0" },
                endpointSpec: { mode: "dnsrr" },
                convergeConfig: { delay: "2s", timeout: "2m" },
            },
            opts,
        );
        return Promise.resolve({ appId: app.id, secretId: secret.id });
    };
}

/**
 * Two services whose tasks never turn healthy: without a convergeConfig the up
 * returns as soon as Docker takes the service; with one it waits, and fails.
 */
export function convergence(host: string, s: { strict: boolean }): PulumiFn {
    return () => {
        const provider = new docker.Provider("swarm", { host });
        const sick = { tests: ["CMD", "false"], interval: "1s", timeout: "1s", retries: 1, startPeriod: "0s" };
        const spec = (name: string) => ({
            name: n(name),
            taskSpec: { containerSpec: { image: appImage("1"), commands: ["sleep", "3600"], healthcheck: sick }, restartPolicy: { condition: "none", delay: "5s", window: "0s" } },
            endpointSpec: { mode: "dnsrr" },
        });
        new docker.Service("lazy", spec("lazy"), { provider });
        if (s.strict) new docker.Service("strict", { ...spec("strict"), convergeConfig: { delay: "1s", timeout: "15s" } }, { provider });
        return Promise.resolve();
    };
}

/**
 * Inputs the real provider reads back differently, each on its own object:
 * an overlay network with options (once as it is, once with ignoreChanges), a
 * restart policy without delay and window, an image without a tag, and config
 * data with a line break; and a network without options, which reads back clean.
 */
export function drift(host: string): PulumiFn {
    return () => {
        const provider = new docker.Provider("swarm", { host });
        const opts = { provider };
        new docker.Network("plainNet", { name: n("plain-net"), driver: "overlay" }, opts);
        new docker.Network("encryptedNet", { name: n("encrypted-net"), driver: "overlay", options: { encrypted: "true" } }, opts);
        new docker.Network("ignoredNet", { name: n("ignored-net"), driver: "overlay", options: { encrypted: "true" } }, { ...opts, ignoreChanges: ["options"] });
        const containerSpec = { image: appImage("1"), commands: ["sleep", "3600"] };
        new docker.Service("partialRestart", { name: n("partial-restart"), taskSpec: { containerSpec, restartPolicy: { condition: "any", maxAttempts: 3 } } }, opts);
        new docker.Service("untagged", { name: n("untagged"), taskSpec: { containerSpec: { ...containerSpec, image: `${SWARM_PREFIX}/app` } } }, opts);
        new docker.ServiceConfig("wrappedConfig", { name: n("wrapped-conf"), data: `${base64("level=info\n")}\n` }, opts);
        return Promise.resolve();
    };
}

/** A service given its overlay network by name instead of by id. */
export function networkByName(host: string): PulumiFn {
    return () => {
        const provider = new docker.Provider("swarm", { host });
        const net = new docker.Network("net", { name: n("named-net"), driver: "overlay" }, { provider });
        const containerSpec = { image: appImage("1"), commands: ["sleep", "3600"] };
        new docker.Service("byName", { name: n("by-name"), taskSpec: { containerSpec, networksAdvanceds: [{ name: net.name }] } }, { provider });
        return Promise.resolve();
    };
}

/**
 * Services with a stop grace period, whose delete waits for their containers:
 * one whose process exits on SIGTERM, one whose process ignores it (sleep as
 * pid 1). Each runs while the settings keep it.
 */
export function stopping(host: string, s: { quick: boolean; stubborn: boolean }): PulumiFn {
    return () => {
        const provider = new docker.Provider("swarm", { host });
        const spec = (name: string, commands: string[]) => ({
            name: n(name),
            taskSpec: { containerSpec: { image: appImage("1"), commands, stopGracePeriod: "3s" } },
            endpointSpec: { mode: "dnsrr" },
            convergeConfig: { delay: "1s", timeout: "1m" },
        });
        if (s.quick) new docker.Service("quick", spec("quick", ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]), { provider });
        if (s.stubborn) new docker.Service("stubborn", spec("stubborn", ["sleep", "3600"]), { provider });
        return Promise.resolve();
    };
}

/** A service whose image is in a registry the Swarm manager reaches (`<registry>/ade-swfid/app:1`). */
export function pinned(host: string, registry: string): PulumiFn {
    return () => {
        const provider = new docker.Provider("swarm", { host });
        new docker.Service(
            "pinned",
            {
                name: n("pinned"),
                taskSpec: {
                    containerSpec: { image: `${registry}/${appImage("1")}`, commands: ["sleep", "3600"] },
                    placement: { constraints: ["node.role==manager"] },
                },
                endpointSpec: { mode: "dnsrr" },
            },
            { provider },
        );
        return Promise.resolve();
    };
}

/** A secret through the default provider, which takes its host from DOCKER_HOST; `data` changes under the same name when asked. */
export function defaultProviderSecret(s: { data: string }): PulumiFn {
    return () => {
        new docker.Secret("shared", { name: n("shared"), data: pulumi.secret(base64(s.data)) });
        return Promise.resolve();
    };
}
