import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { amtool } from "../tests/tools";
import { alertmanagerConfig, AlertRouting } from "./alertmanager";

const timing = { groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalMinutes: 240 };
const webhook: AlertRouting = { ...timing, webhook: { url: "https://alerts.example.com/ade/testing", sendResolved: true, tokenFile: "/run/ade/secrets/alert-webhook-token" } };
const local: AlertRouting = timing;

describe("Alertmanager configuration", () => {
    let dir: string;
    const write = (name: string, routing: AlertRouting) => {
        fs.writeFileSync(path.join(dir, name), alertmanagerConfig(routing));
        return name;
    };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-amtool-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const [title, routing] of [
        ["a webhook with a token file", webhook],
        ["alerts kept in Alertmanager", local],
    ] as const) {
        it(`passes amtool check-config with ${title}`, () => {
            const out = amtool(["check-config", write("check.yml", routing)], dir);
            expect(out).to.include("SUCCESS");
        });
    }

    it("fails amtool check-config when the config is broken (the check can fail)", () => {
        fs.writeFileSync(path.join(dir, "broken.yml"), "route:\n  receiver: nobody\nreceivers: []\n");
        expect(() => amtool(["check-config", "broken.yml"], dir)).to.throw(/undefined receiver "nobody"/);
    });

    it("groups by service, holds back a service's warnings while it has a critical alert, and sends resolved alerts", () => {
        const config = parse(alertmanagerConfig(webhook)) as Record<string, unknown>;
        expect(config["route"]).to.deep.equal({ receiver: "webhook", group_by: ["service"], group_wait: "30s", group_interval: "300s", repeat_interval: "240m" });
        expect(config["inhibit_rules"]).to.deep.equal([{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["service"] }]);
        expect(config["receivers"]).to.deep.equal([
            { name: "alertmanager-only" },
            {
                name: "webhook",
                webhook_configs: [
                    {
                        url: "https://alerts.example.com/ade/testing",
                        send_resolved: true,
                        http_config: { authorization: { type: "Bearer", credentials_file: "/run/ade/secrets/alert-webhook-token" } },
                    },
                ],
            },
        ]);
    });

    it("sends no Authorization header without a token", () => {
        const config = parse(alertmanagerConfig({ ...timing, webhook: { url: "http://receiver:8080/alerts", sendResolved: false } })) as { receivers: unknown[] };
        expect(config.receivers[1]).to.deep.equal({ name: "webhook", webhook_configs: [{ url: "http://receiver:8080/alerts", send_resolved: false }] });
    });

    const routes: [string, AlertRouting, string[], string][] = [
        ["a critical alert with a webhook", webhook, ["alertname=TargetDown", "service=api", "severity=critical"], "webhook"],
        ["a warning with a webhook", webhook, ["alertname=MemoryNearLimit", "service=postgres", "severity=warning"], "webhook"],
        ["any alert without a webhook (development)", local, ["alertname=TargetDown", "service=api", "severity=critical"], "alertmanager-only"],
    ];
    for (const [title, routing, labels, receiver] of routes) {
        it(`routes ${title} to ${receiver} (amtool config routes test)`, () => {
            const file = write("routes.yml", routing);
            expect(amtool(["config", "routes", "test", `--config.file=${file}`, ...labels], dir).trim()).to.equal(receiver);
        });
    }
});
