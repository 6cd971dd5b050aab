import * as pulumi from "@pulumi/pulumi";
import { unavailableImages } from "./components/images";
import { Platform } from "./components/platform";
import { loadStackConfig } from "./config/load";
import { SOURCE_ROOT } from "./core/paths";

export = async () => {
    const { config, secrets, images } = loadStackConfig();
    // Checked in every preview, so an update never starts replacing containers for an image it cannot get.
    const missing = await unavailableImages(images);
    if (missing.length > 0) throw new pulumi.RunError([`Stack "${pulumi.getStack()}" names images that cannot be had:`, ...missing.map((m) => `  ${m}`)].join("\n"));

    const platform = new Platform("ade", {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        config,
        secrets,
        images,
        rootDirectory: SOURCE_ROOT,
    });

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
