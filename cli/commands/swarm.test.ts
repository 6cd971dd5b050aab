import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { DockerResult, DockerRunner, swarmInit, swarmJoin, swarmStatus } from "./swarm";

const TOKEN = "SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx";

/** A Docker engine in a given swarm state that records what it is asked. */
function engine(state: "inactive" | "manager" | "worker", fail: Record<string, string> = {}): { docker: DockerRunner; calls: string[][] } {
    const calls: string[][] = [];
    let current = state;
    const docker: DockerRunner = (args): DockerResult => {
        calls.push([...args]);
        const failure = fail[args.slice(0, 2).join(" ")];
        if (failure !== undefined) return { ok: false, out: "", err: failure };
        if (args[0] === "info") {
            const line = { inactive: "inactive false ", manager: "active true node-1", worker: "active false node-2" }[current];
            return { ok: true, out: line, err: "" };
        }
        if (args[0] === "swarm" && args[1] === "init") current = "manager";
        if (args[0] === "node" && args[1] === "ls") return { ok: true, out: "HOSTNAME  STATUS\nvm        Ready", err: "" };
        return { ok: true, out: "", err: "" };
    };
    return { docker, calls };
}

function collect(): { write: (text: string) => void; text: () => string } {
    let out = "";
    return { write: (t) => (out += t), text: () => out };
}

describe("ade swarm", () => {
    it("init makes an engine in no swarm a manager, labels this node as the data node, and never prints a join token", () => {
        const { docker, calls } = engine("inactive");
        const out = collect();
        swarmInit({ advertiseAddr: "10.0.0.2", listenAddr: "10.0.0.2:2377", dataLabel: "ade.data", docker, write: out.write });
        expect(calls).to.deep.include(["swarm", "init", "--advertise-addr", "10.0.0.2", "--listen-addr", "10.0.0.2:2377"]);
        expect(calls).to.deep.include(["node", "update", "--label-add", "ade.data=true", "node-1"]);
        expect(out.text()).to.match(/now a swarm manager, advertising 10\.0\.0\.2/);
        expect(out.text()).to.include('ADE_SWARM_JOIN_TOKEN="$(docker swarm join-token -q worker)" ade swarm join');
        expect(calls.some((c) => c.includes("join-token"))).to.equal(false);
    });

    it("init on a manager only makes sure of the label", () => {
        const { docker, calls } = engine("manager");
        const out = collect();
        swarmInit({ advertiseAddr: "127.0.0.1", dataLabel: "ade.data", docker, write: out.write });
        expect(calls.some((c) => c[1] === "init")).to.equal(false);
        expect(calls).to.deep.include(["node", "update", "--label-add", "ade.data=true", "node-1"]);
        expect(out.text()).to.match(/^this engine is already a swarm manager\n/);
    });

    it("init refuses a worker of another swarm and a label that is not a label, changing nothing", () => {
        const worker = engine("worker");
        expect(() => swarmInit({ advertiseAddr: "127.0.0.1", dataLabel: "ade.data", docker: worker.docker, write: () => {} })).to.throw(/worker of another swarm: run ade swarm init on its manager/);
        expect(worker.calls.every((c) => c[0] === "info")).to.equal(true);
        const fresh = engine("inactive");
        expect(() => swarmInit({ advertiseAddr: "127.0.0.1", dataLabel: "Data Node", docker: fresh.docker, write: () => {} })).to.throw('--data-label "Data Node" is not a node label name');
        expect(fresh.calls).to.deep.equal([]);
    });

    it("init names docker's own refusal", () => {
        const { docker } = engine("inactive", { "swarm init": "must specify a listening address because the address to advertise is not recognized" });
        expect(() => swarmInit({ advertiseAddr: "eth9", dataLabel: "ade.data", docker, write: () => {} })).to.throw(/^docker swarm init failed: must specify a listening address/);
    });

    it("join passes the token from the environment to docker swarm join and says where it joined", () => {
        const { docker, calls } = engine("inactive");
        const out = collect();
        swarmJoin({ manager: "10.0.0.2:2377", env: { ADE_SWARM_JOIN_TOKEN: `${TOKEN}\n` }, docker, write: out.write });
        expect(calls).to.deep.include(["swarm", "join", "--token", TOKEN, "10.0.0.2:2377"]);
        expect(out.text()).to.equal("this engine joined the swarm of 10.0.0.2:2377 as a worker\n");
    });

    it("join reads the token from a file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ade-swarm-"));
        const file = path.join(dir, "token");
        fs.writeFileSync(file, TOKEN);
        const { docker, calls } = engine("inactive");
        swarmJoin({ manager: "manager.example:2377", tokenFile: file, env: {}, docker, write: () => {} });
        expect(calls).to.deep.include(["swarm", "join", "--token", TOKEN, "manager.example:2377"]);
        fs.rmSync(dir, { recursive: true });
    });

    it("join refuses a missing or malformed token, a manager without a port and an engine already in a swarm, without echoing the token", () => {
        const { docker, calls } = engine("inactive");
        expect(() => swarmJoin({ manager: "10.0.0.2:2377", env: {}, docker })).to.throw("no join token: set ADE_SWARM_JOIN_TOKEN (on the manager: docker swarm join-token -q worker) or pass --token-file <file>");
        expect(() => swarmJoin({ manager: "10.0.0.2:2377", env: { ADE_SWARM_JOIN_TOKEN: "hunter2" }, docker }))
            .to.throw(/is not a swarm token \(SWMTKN-1-\.\.\.\)/)
            .and.satisfy((e: Error) => !e.message.includes("hunter2"));
        expect(() => swarmJoin({ manager: "10.0.0.2", env: { ADE_SWARM_JOIN_TOKEN: TOKEN }, docker })).to.throw('manager address "10.0.0.2" is not host:port');
        expect(calls).to.deep.equal([]);
        const member = engine("worker");
        expect(() => swarmJoin({ manager: "10.0.0.2:2377", env: { ADE_SWARM_JOIN_TOKEN: TOKEN }, docker: member.docker })).to.throw(/already in a swarm: nothing was changed/);
        expect(member.calls.every((c) => c[0] === "info")).to.equal(true);
    });

    it("join hides the token in docker's error", () => {
        const { docker } = engine("inactive", { "swarm join": `invalid join token ${TOKEN}` });
        expect(() => swarmJoin({ manager: "10.0.0.2:2377", env: { ADE_SWARM_JOIN_TOKEN: TOKEN }, docker }))
            .to.throw("docker swarm join failed: invalid join token <token>");
    });

    it("status lists the nodes on a manager and says what to do elsewhere", () => {
        const out = collect();
        swarmStatus({ docker: engine("manager").docker, write: out.write });
        expect(out.text()).to.equal("HOSTNAME  STATUS\nvm        Ready\n");
        const none = collect();
        swarmStatus({ docker: engine("inactive").docker, write: none.write });
        expect(none.text()).to.equal("this engine is in no swarm (state: inactive); make it a manager with: ade swarm init\n");
    });
});
