package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestCpusReadBackAsTheProviderWritesThem(t *testing.T) {
	for in, want := range map[string]string{"1": "1.0", "2": "2.0", "0.5": "0.5", "1.5": "1.5", "0.25": "0.25", "0.1": "0.1"} {
		nano, err := parseCPUs(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := cpusString(nano); got != want {
			t.Errorf("cpus %q reads back as %q, want %q", in, got, want)
		}
	}
	if _, err := parseCPUs("0.0000000001"); err == nil {
		t.Error("a value finer than a nano-CPU must fail")
	}
}

func TestImageNamesSplitAsTheProviderSplitsThem(t *testing.T) {
	for name, want := range map[string][3]string{
		"nginx":                        {"registry-1.docker.io", "library/nginx", "latest"},
		"ade-local/node:18-1":          {"registry-1.docker.io", "ade-local/node", "18-1"},
		"127.0.0.1:5000/ade/app:1.2.0": {"127.0.0.1:5000", "ade/app", "1.2.0"},
		"localhost/app:1@sha256:ab":    {"localhost", "app", "sha256:ab"},
	} {
		if r, repo, tag := parseImageOptions(name); [3]string{r, repo, tag} != want {
			t.Errorf("%s: %v, want %v", name, [3]string{r, repo, tag}, want)
		}
	}
	for name, want := range map[string][2]string{
		"ade-fid/missing:1":   {"docker.io/ade-fid/missing", "1"},
		"postgres":            {"docker.io/library/postgres", "latest"},
		"127.0.0.1:5000/a/b":  {"127.0.0.1:5000/a/b", "latest"},
		"app@sha256:0123abcd": {"docker.io/library/app", "sha256:0123abcd"},
	} {
		if repo, tag := pullReference(name); [2]string{repo, tag} != want {
			t.Errorf("pull %s: %v, want %v", name, [2]string{repo, tag}, want)
		}
	}
}

func TestRepoDigestOfALocalImageIsEmpty(t *testing.T) {
	if got := repoDigest("ade-local/node:18-1", &imageSummary{ID: "sha256:1"}); got != "" {
		t.Errorf("got %q", got)
	}
	two := &imageSummary{RepoDigests: []string{"other/app@sha256:1", "ade/app@sha256:2"}}
	if got := repoDigest("ade/app:1", two); got != "ade/app@sha256:2" {
		t.Errorf("got %q", got)
	}
}

func TestPortsMatchInAnyOrderButNotWithAnotherAddress(t *testing.T) {
	port := func(internal, external float64, ip string) map[string]any {
		return map[string]any{"internal": internal, "external": external, "ip": ip, "protocol": "tcp"}
	}
	stored := resource.NewPropertyValue([]any{port(80, 14080, "127.0.0.1"), port(90, 14090, "127.0.0.1")})
	if !samePorts(stored, resource.NewPropertyValue([]any{port(90, 14090, "127.0.0.1"), port(80, 14080, "127.0.0.1")})) {
		t.Error("the same ports in another order must match")
	}
	if samePorts(stored, resource.NewPropertyValue([]any{port(80, 14080, "0.0.0.0"), port(90, 14090, "127.0.0.1")})) {
		t.Error("another address must not match")
	}
}

func TestContextDigestFollowsTheContextAndItsIgnoreFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", "FROM scratch\n")
	write(".dockerignore", "ignored.txt\n")
	write("app.js", "1")
	digest := func() string {
		d, err := contextDigest(dir, filepath.Join(dir, "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	first := digest()
	write("ignored.txt", "anything")
	if digest() != first {
		t.Error("an ignored file changed the digest")
	}
	write("app.js", "2")
	if digest() == first {
		t.Error("a changed source file did not change the digest")
	}
}
