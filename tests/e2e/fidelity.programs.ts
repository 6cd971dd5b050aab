/**
 * The fidelity suite's inline programs: the resources the ADE program makes,
 * configured the way components/service.ts configures them, each scenario
 * reading the settings the test changes between its steps.
 */
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PulumiFn } from "@pulumi/pulumi/automation";
import { PREFIX } from "./fidelity.workspace";

/** A local image every machine of the project has (toolchain/images/node, built by toolchain/build-images.sh). */
export const BASE = "ade-local/node:18-1";

const logging = { logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" } };
const idle = { image: BASE, command: ["sleep", "3600"] };
const healthy = { tests: ["CMD", "true"], timeout: "3s", retries: 3, startPeriod: "1s" };

/** A local build tagged with the version, as the program builds the application (classic builder, no push). */
function appImage(contextDir: string, repository: string, version: string): docker.Image {
    return new docker.Image("img", {
        imageName: `${PREFIX}/${repository}:${version}`,
        skipPush: true,
        buildOnPreview: false,
        build: { context: contextDir, args: { VERSION: version }, builderVersion: docker.BuilderVersion.BuilderV1, platform: "linux/amd64" },
    });
}

/** Every type the program uses, with inputs that match what Docker reports, plus two containers that do not. */
export function readBack(contextDir: string): PulumiFn {
    return () => {
        const n = (s: string) => `${PREFIX}-rb-${s}`;
        const labels = [{ label: "ade.fid", value: "read-back" }];
        const net = new docker.Network("net", { name: n("net"), driver: "bridge", internal: false, labels }, { deleteBeforeReplace: true });
        const vol = new docker.Volume("vol", { name: n("files"), labels }, { deleteBeforeReplace: true });
        const img = appImage(contextDir, "rb-app", "1");
        const base = new docker.RemoteImage("base", { name: BASE, keepLocally: true });
        const files = new docker.Container(
            "files",
            {
                name: n("files"),
                image: base.imageId,
                entrypoints: ["/bin/sh", "-c"],
                command: ["cp -a /stage/. /files/ && chown -R 1000:1000 /files"],
                user: "0:0",
                uploads: [
                    { file: "/stage/config.txt", content: "config", permissions: "0444" },
                    { file: "/stage/secret", content: pulumi.secret("s3cret"), permissions: "0400" },
                ],
                volumes: [{ volumeName: vol.name, containerPath: "/files" }],
                networkMode: "none",
                attach: true,
                mustRun: false,
                restart: "no",
                labels,
                ...logging,
            },
            { deleteBeforeReplace: true },
        );
        const svc = new docker.Container(
            "svc",
            {
                name: n("svc"),
                image: img.repoDigest,
                command: ["sleep", "3600"],
                envs: ["A=1"],
                networksAdvanced: [{ name: net.name, aliases: ["svc"] }],
                ports: [{ internal: 8080, external: 14080, ip: "127.0.0.1", protocol: "tcp" }],
                volumes: [{ volumeName: vol.name, containerPath: "/run/ade", readOnly: true }],
                healthcheck: { ...healthy, interval: "1s" },
                wait: true,
                waitTimeout: 60,
                restart: "unless-stopped",
                user: "1000:1000",
                init: true,
                stopSignal: "SIGTERM",
                stopTimeout: 10,
                destroyGraceSeconds: 5,
                memory: 64,
                memorySwap: 64,
                cpus: "0.5",
                readOnly: true,
                securityOpts: ["no-new-privileges:true"],
                capabilities: { drops: ["ALL"] },
                tmpfs: { "/tmp": "rw,nosuid,nodev,size=64m" },
                labels: [...labels, { label: "ade.files", value: files.id }],
                ...logging,
            },
            { deleteBeforeReplace: true, dependsOn: [files] },
        );
        new docker.Container("memOnly", { ...idle, name: n("mem-only"), memory: 64, labels, ...logging }, { deleteBeforeReplace: true });
        new docker.Container("cpuOne", { ...idle, name: n("cpu-one"), memory: 64, memorySwap: 64, cpus: "1", labels }, { deleteBeforeReplace: true });
        new command.local.Command("probe", { create: "echo probe $X", environment: { X: "1" }, triggers: [pulumi.secret("t")] });
        return Promise.resolve({ imgDigest: img.repoDigest, svcImage: svc.image });
    };
}

export interface ChangeSettings {
    version: string;
    memory: number;
    restart: string;
    env: string;
    interval: string;
    commandEnv: string;
    trigger: string;
    label: string;
}

/** An image, the container that runs it and the other updatable things, each input from the settings. */
export function changes(contextDir: string, s: ChangeSettings): PulumiFn {
    return () => {
        const labels = [{ label: "ade.fid", value: s.label }];
        const img = appImage(contextDir, "ch-app", s.version);
        new docker.Container(
            "app",
            {
                name: `${PREFIX}-ch-app`,
                image: img.repoDigest,
                command: ["sleep", "3600"],
                envs: [s.env],
                healthcheck: { ...healthy, interval: s.interval },
                wait: true,
                restart: s.restart,
                memory: s.memory,
                memorySwap: s.memory,
                ...logging,
            },
            { deleteBeforeReplace: true },
        );
        new command.local.Command("cmd", { create: "echo ran $X", environment: { X: s.commandEnv }, triggers: [s.trigger] });
        new docker.Network("lnet", { name: `${PREFIX}-ch-net`, driver: "bridge", labels }, { deleteBeforeReplace: true });
        new docker.Volume("lvol", { name: `${PREFIX}-ch-vol`, labels }, { deleteBeforeReplace: true });
        return Promise.resolve();
    };
}

/**
 * A network and a container that stay, and (when asked) an image nobody can
 * pull with a container that needs it, or a container that never turns healthy.
 */
export function missing(s: { missing: boolean; unhealthy: boolean }): PulumiFn {
    return () => {
        new docker.Network("net3", { name: `${PREFIX}-ms-net`, driver: "bridge" }, { deleteBeforeReplace: true });
        new docker.Container("victim", { ...idle, name: `${PREFIX}-ms-victim`, memory: 32, memorySwap: 32 }, { deleteBeforeReplace: true });
        if (s.unhealthy) {
            const sick = { tests: ["CMD", "false"], interval: "1s", timeout: "1s", retries: 1, startPeriod: "0s" };
            new docker.Container("sick", { ...idle, name: `${PREFIX}-ms-sick`, memory: 32, memorySwap: 32, healthcheck: sick, wait: true, waitTimeout: 4 }, { deleteBeforeReplace: true });
        }
        if (s.missing) {
            const pull = new docker.RemoteImage("pull", { name: `${PREFIX}/missing:1`, keepLocally: true });
            new docker.Container("user", { image: pull.imageId, name: `${PREFIX}-ms-user`, command: ["sleep", "3600"] }, { deleteBeforeReplace: true });
        }
        return Promise.resolve();
    };
}

/** A RemoteImage of a local name that only this suite uses, deleted without keepLocally. */
export function tagged(name: string): PulumiFn {
    return () => {
        const image = new docker.RemoteImage("tagged", { name });
        return Promise.resolve({ imageId: image.imageId });
    };
}

/** One invoke: getRemoteImage, or getRegistryImage through a provider that may give registry addresses as http://. */
export function invoke(kind: "remote" | "registry", name: string, httpRegistries: string[] = []): PulumiFn {
    return () => {
        if (kind === "remote") {
            const image = docker.getRemoteImageOutput({ name });
            return Promise.resolve({ id: image.id, repoDigest: image.repoDigest });
        }
        const registryAuth = httpRegistries.map((address) => ({ address: `http://${address}`, authDisabled: true }));
        const provider = registryAuth.length > 0 ? new docker.Provider("registries", { registryAuth }) : undefined;
        return Promise.resolve({ digest: docker.getRegistryImageOutput({ name }, { provider }).sha256Digest });
    };
}
