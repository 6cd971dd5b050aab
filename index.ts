import * as pulumi from "@pulumi/pulumi";
import { dockerProvider } from "./components/dockerProvider";
import { releaseImages, unavailableImages } from "./components/images";
import { Platform } from "./components/platform";
import { loadStackConfig } from "./config/load";
import { SOURCE_ROOT } from "./core/paths";

export = async () => {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const { config, secrets, images } = loadStackConfig();
    const docker = dockerProvider("docker", { host: config.dockerHost, registry: config.registry?.address, registryUsername: config.registry?.username });

    // Checked in every preview, so an update never starts replacing anything for an image it cannot get.
    const released = await releaseImages({
        project,
        version: config.version,
        registry: config.registry?.address,
        services: Object.entries(config.services)
            .filter(([, s]) => s.image === undefined && s.build === undefined)
            .map(([name]) => name),
        provider: docker,
    });
    const problems = [...released.problems, ...(await unavailableImages(images, docker))];
    if (problems.length > 0) throw new pulumi.RunError([`Stack "${stack}" names images that cannot be had:`, ...problems.map((p) => `  ${p}`)].join("\n"));

    const platform = new Platform("ade", { project, stack, config, secrets, images: [...images, ...released.images], rootDirectory: SOURCE_ROOT }, { providers: { docker } });

    return {
        environment: platform.environment,
        version: platform.version,
        images: platform.images,
        serviceUrls: platform.serviceUrls,
        prometheusUrl: platform.prometheusUrl,
        alertmanagerUrl: platform.alertmanagerUrl,
        grafanaUrl: platform.grafanaUrl,
        dbAdminUrl: platform.dbAdminUrl,
        networkNames: platform.networkNames,
        containerNames: platform.containerNames,
        healthReport: platform.healthReport,
        databaseBackup: platform.databaseBackup,
    };
};
