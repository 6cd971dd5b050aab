/**
 * How the program's own cost grows with the number of declared services:
 * evaluates the real program (Platform + config validation) against Pulumi
 * mocks, so no engine or Docker is involved.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../config/load";
import { Platform } from "../components/platform";
import { NO_IMAGE_MIRRORS, PROJECT, RecordingMocks, stackFileConfig, valueOf, withoutPromiseStacks } from "../tests/mocks";

/** Production's stack config with `count` prebuilt services instead of the one built from app/. */
export function configWithServices(count: number): { config: Record<string, string>; secretKeys: string[] } {
    const base = stackFileConfig("production");
    const services: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
        services[`svc${i}`] = { image: "ade/svc:1.0.0", hostPort: 20000 + i, database: i % 2 === 0, secrets: ["appSecretKey"], memoryMb: 128, cpus: 0.25 };
    }
    return { ...base, config: { ...base.config, "ade:services": JSON.stringify(services) } };
}

/** Evaluates the program once for `count` services; returns how many resources it registered. */
export async function evaluate(count: number): Promise<number> {
    const mocks = new RecordingMocks();
    process.env["ADE_IMAGE_MIRRORS"] = NO_IMAGE_MIRRORS;
    await pulumi.runtime.setMocks(mocks, PROJECT, "production", false);
    const { config, secretKeys } = configWithServices(count);
    pulumi.runtime.setAllConfig(config, secretKeys);
    await withoutPromiseStacks(async () => {
        const loaded = loadStackConfig();
        const platform = new Platform("ade", { project: PROJECT, stack: "production", ...loaded, rootDirectory: process.cwd() });
        await valueOf(platform.containerNames);
        await valueOf(platform.healthReport);
    });
    // Lets every registration finish before the next evaluation replaces the mocks.
    await pulumi.runtime.disconnect();
    return mocks.resources.length;
}
