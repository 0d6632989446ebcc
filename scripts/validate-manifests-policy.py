#!/usr/bin/env python3
"""Project rules for rendered manifests, beyond the Kubernetes schemas
(scripts/validate-manifests runs this on every overlay):

- every pod template: non-root, read-only root filesystem, no privilege
  escalation, all capabilities dropped, RuntimeDefault seccomp, CPU and
  memory requests and a memory limit, no service account token;
- every gongzhi service Deployment: gRPC readiness and liveness probes, a
  grace period that covers preStop + GONGZHI_DRAIN_SECONDS (from the
  gongzhi-config ConfigMap), and a PodDisruptionBudget, a
  HorizontalPodAutoscaler and a NetworkPolicy of its own.

usage: validate-manifests-policy.py RENDERED
"""

import re
import sys

import yaml

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}


def pod_spec(doc):
    return (((doc.get("spec") or {}).get("template") or {}).get("spec")) or {}


def check_pod(name, spec):
    errors = []
    pod_sc = spec.get("securityContext") or {}
    if spec.get("automountServiceAccountToken") is not False:
        errors.append("automountServiceAccountToken is not false")
    containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
    for c in containers:
        where = "%s container %s" % (name, c.get("name"))
        sc = c.get("securityContext") or {}
        if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
            errors.append("%s: runAsNonRoot is not set" % where)
        if sc.get("readOnlyRootFilesystem") is not True:
            errors.append("%s: readOnlyRootFilesystem is not true" % where)
        if sc.get("allowPrivilegeEscalation") is not False:
            errors.append("%s: allowPrivilegeEscalation is not false" % where)
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            errors.append("%s: capabilities do not drop ALL" % where)
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp != "RuntimeDefault":
            errors.append("%s: seccompProfile is not RuntimeDefault" % where)
        errors.extend(check_env(where, c.get("env") or []))
        resources = c.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        if not ("cpu" in requests and "memory" in requests and "memory" in limits):
            errors.append("%s: needs cpu and memory requests and a memory limit" % where)
    return errors


def check_env(where, env):
    """The API server refuses an entry with both value and valueFrom, and
    leaves a $(NAME) reference unexpanded unless NAME is defined earlier."""
    errors, defined = [], set()
    for entry in env:
        name = entry.get("name")
        if "value" in entry and "valueFrom" in entry:
            errors.append("%s: env %s has both value and valueFrom" % (where, name))
        for ref in re.findall(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)", entry.get("value") or ""):
            if ref not in defined:
                errors.append("%s: env %s refers to $(%s) before it is defined" % (where, name, ref))
        defined.add(name)
    return errors


def labels(doc):
    return (doc.get("metadata") or {}).get("labels") or {}


def check_service(doc, drain_seconds, pdbs, hpas, policies):
    name = doc["metadata"]["name"]
    spec = pod_spec(doc)
    errors = []
    pod_labels = ((doc["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
    for c in spec.get("containers") or []:
        for probe in ("readinessProbe", "livenessProbe"):
            if "grpc" not in (c.get(probe) or {}):
                errors.append("%s: %s is not a gRPC probe" % (name, probe))
        pre_stop = (((c.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds", 0)
        grace = spec.get("terminationGracePeriodSeconds", 30)
        if grace < pre_stop + drain_seconds:
            errors.append("%s: terminationGracePeriodSeconds %s < preStop %s + GONGZHI_DRAIN_SECONDS %s"
                          % (name, grace, pre_stop, drain_seconds))

    def selects(selector):
        wanted = (selector or {}).get("matchLabels") or {}
        return bool(wanted) and all(pod_labels.get(k) == v for k, v in wanted.items())

    if not any(selects(p["spec"].get("selector")) for p in pdbs):
        errors.append("%s: no PodDisruptionBudget selects it" % name)
    if not any(h["spec"]["scaleTargetRef"].get("name") == name
               and h["spec"]["scaleTargetRef"].get("kind") == "Deployment" for h in hpas):
        errors.append("%s: no HorizontalPodAutoscaler targets it" % name)
    if not any(selects(n["spec"].get("podSelector")) for n in policies):
        errors.append("%s: no NetworkPolicy selects it" % name)
    return errors


def main(rendered):
    with open(rendered) as f:
        docs = [d for d in yaml.safe_load_all(f) if isinstance(d, dict)]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d.get("kind"), []).append(d)
    config = [c for c in by_kind.get("ConfigMap", []) if c["metadata"]["name"] == "gongzhi-config"]
    errors = []
    if len(config) != 1:
        errors.append("expected one gongzhi-config ConfigMap, found %d" % len(config))
        drain = 20
    else:
        drain = int((config[0].get("data") or {}).get("GONGZHI_DRAIN_SECONDS", "20"))
    for d in docs:
        if d.get("kind") in WORKLOADS:
            errors += check_pod("%s/%s" % (d["kind"], d["metadata"]["name"]), pod_spec(d))
    services = [d for d in by_kind.get("Deployment", [])
                if labels(d).get("app.kubernetes.io/component") == "service"]
    if not services:
        errors.append("no gongzhi service Deployment found")
    for d in services:
        errors += check_service(d, drain, by_kind.get("PodDisruptionBudget", []),
                                by_kind.get("HorizontalPodAutoscaler", []),
                                by_kind.get("NetworkPolicy", []))
    for e in errors:
        print("ERROR %s: %s" % (rendered, e))
    print("project rules: %d service Deployment(s), %d workload(s) checked"
          % (len(services), sum(len(by_kind.get(k, [])) for k in WORKLOADS)))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
