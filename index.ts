import * as pulumi from "@pulumi/pulumi";
import { Platform } from "./components/platform";
import { loadStackConfig } from "./config/load";

const { config, secrets } = loadStackConfig();

const platform = new Platform("ade", {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    config,
    secrets,
    rootDirectory: __dirname,
});

export const environment = platform.environment;
export const version = platform.version;
export const serviceUrls = platform.serviceUrls;
export const prometheusUrl = platform.prometheusUrl;
export const grafanaUrl = platform.grafanaUrl;
export const dbAdminUrl = platform.dbAdminUrl;
export const networkNames = platform.networkNames;
export const containerNames = platform.containerNames;
export const healthReport = platform.healthReport;
export const databaseBackup = platform.databaseBackup;
