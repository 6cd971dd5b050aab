/**
 * Alertmanager's configuration: one route per stack, alerts grouped by the
 * service they concern, critical alerts silencing the warnings of the same
 * service, and a receiver chosen by the stack's config: a webhook, or none
 * (development: alerts stay visible in Prometheus and Alertmanager only).
 */
import { stringify } from "yaml";

export interface AlertRouting {
    /** Where notifications go; none keeps alerts in Alertmanager (its API, amtool, `ade status`). */
    readonly webhook?: {
        readonly url: string;
        readonly sendResolved: boolean;
        /** File holding the bearer token sent in the Authorization header (a secret file). */
        readonly tokenFile?: string;
    };
    readonly groupWaitSeconds: number;
    readonly groupIntervalSeconds: number;
    readonly repeatIntervalMinutes: number;
}

/** The receiver that keeps alerts in Alertmanager: no notification leaves it. */
export const LOCAL_RECEIVER = "alertmanager-only";
export const WEBHOOK_RECEIVER = "webhook";

export function alertmanagerConfig(routing: AlertRouting): string {
    const webhook = routing.webhook;
    return stringify({
        route: {
            receiver: webhook === undefined ? LOCAL_RECEIVER : WEBHOOK_RECEIVER,
            group_by: ["service"],
            group_wait: `${routing.groupWaitSeconds}s`,
            group_interval: `${routing.groupIntervalSeconds}s`,
            repeat_interval: `${routing.repeatIntervalMinutes}m`,
        },
        // A service that is down is not also slow: its critical alert holds back its warnings.
        inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["service"] }],
        receivers: [
            { name: LOCAL_RECEIVER },
            ...(webhook === undefined
                ? []
                : [
                      {
                          name: WEBHOOK_RECEIVER,
                          webhook_configs: [
                              {
                                  url: webhook.url,
                                  send_resolved: webhook.sendResolved,
                                  ...(webhook.tokenFile === undefined ? {} : { http_config: { authorization: { type: "Bearer", credentials_file: webhook.tokenFile } } }),
                              },
                          ],
                      },
                  ]),
        ],
    });
}
