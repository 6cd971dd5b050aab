/**
 * Grafana provisioning: the Prometheus datasource and the platform dashboard,
 * as files Grafana reads at start.
 */
import { stringify } from "yaml";

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

interface Panel {
    readonly title: string;
    readonly expr: string;
    readonly unit: string;
    readonly legend: string;
}

const PANELS: readonly Panel[] = [
    { title: "Up", expr: "up", unit: "none", legend: "{{job}}" },
    { title: "Request rate", expr: "sum by (job) (rate(http_requests_total[1m]))", unit: "reqps", legend: "{{job}}" },
    {
        title: "Latency p95",
        expr: "histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))",
        unit: "s",
        legend: "{{job}}",
    },
    { title: "Errors (5xx rate)", expr: 'sum by (job) (rate(http_requests_total{status=~"5.."}[1m]))', unit: "reqps", legend: "{{job}}" },
];

/** The platform dashboard: up, request rate, latency and errors per service. */
export function platformDashboard(environment: string): string {
    const dashboard = {
        uid: DASHBOARD_UID,
        title: `ADE Platform (${environment})`,
        tags: ["ade", environment],
        schemaVersion: 39,
        version: 1,
        refresh: "30s",
        time: { from: "now-1h", to: "now" },
        panels: PANELS.map((p, i) => ({
            id: i + 1,
            type: "timeseries",
            title: p.title,
            datasource: { type: "prometheus", uid: DATASOURCE_UID },
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
            targets: [{ refId: "A", expr: p.expr, legendFormat: p.legend, datasource: { type: "prometheus", uid: DATASOURCE_UID } }],
        })),
    };
    return `${JSON.stringify(dashboard, null, 2)}\n`;
}
