/**
 * Grafana provisioning: the Prometheus datasource and the platform's
 * dashboards (monitoring/dashboards.ts), as files Grafana reads at start.
 */
import { stringify } from "yaml";
import { Dashboard, DASHBOARDS } from "./dashboards";

export const DATASOURCE_UID = "ade-prometheus";
export const DASHBOARD_UID = "ade-platform";

export function datasourceProvisioning(prometheusUrl: string): string {
    return stringify({
        apiVersion: 1,
        datasources: [
            {
                name: "Prometheus",
                type: "prometheus",
                uid: DATASOURCE_UID,
                access: "proxy",
                url: prometheusUrl,
                isDefault: true,
                editable: false,
            },
        ],
    });
}

export function dashboardProvisioning(dashboardsDir: string): string {
    return stringify({
        apiVersion: 1,
        providers: [
            {
                name: "ade-platform",
                type: "file",
                disableDeletion: true,
                allowUiUpdates: false,
                options: { path: dashboardsDir },
            },
        ],
    });
}

/** One dashboard as Grafana's JSON model: its panels two to a row, each a time series of its queries. */
export function dashboardJson(dashboard: Dashboard, environment: string): string {
    const model = {
        uid: dashboard.uid,
        title: `${dashboard.title} (${environment})`,
        tags: ["ade", environment],
        schemaVersion: 39,
        version: 1,
        refresh: "30s",
        time: { from: "now-1h", to: "now" },
        panels: dashboard.panels.map((p, i) => ({
            id: i + 1,
            type: "timeseries",
            title: p.title,
            datasource: { type: "prometheus", uid: DATASOURCE_UID },
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
            targets: p.queries.map((q, j) => ({
                refId: String.fromCharCode(65 + j),
                expr: q.expr,
                legendFormat: q.legend,
                datasource: { type: "prometheus", uid: DATASOURCE_UID },
            })),
        })),
    };
    return `${JSON.stringify(model, null, 2)}\n`;
}

/** The platform dashboard: up, requests, latency, errors, memory and alerts per service. */
export function platformDashboard(environment: string): string {
    return dashboardJson(DASHBOARDS.platform, environment);
}

/** Every provisioned dashboard by file name (`platform.json`, `database.json`, `host.json`). */
export function dashboardFiles(environment: string): Record<string, string> {
    return Object.fromEntries(Object.entries(DASHBOARDS).map(([name, d]) => [`${name}.json`, dashboardJson(d, environment)]));
}
