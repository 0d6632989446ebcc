#!/usr/bin/env python3
"""Splits rendered manifests for scripts/validate-manifests.

Kinds from Kubernetes itself go to OUT for `kubernetes-validate --strict`.
Custom resources have no schema there (it would only warn and pass), so
each one must be listed in CUSTOM below and is checked here instead: known
apiVersion and kind, and only the spec fields this project uses or that
the resource's reference documents. That is a partial check, not the
operator's CRD schema; the operator validates the rest on apply. Any other
custom resource fails.

usage: validate-manifests-crds.py RENDERED OUT
"""

import sys

import yaml

# CloudNativePG Cluster (postgresql.cnpg.io/v1): the top-level spec fields
# and the nested ones components/cloudnative-pg sets.
CNPG_CLUSTER_SPEC = {
    "affinity", "backup", "bootstrap", "certificates", "description",
    "enablePDB", "enableSuperuserAccess", "env", "envFrom",
    "ephemeralVolumeSource", "ephemeralVolumesSizeLimit", "externalClusters",
    "failoverDelay", "imageCatalogRef", "imageName", "imagePullPolicy",
    "imagePullSecrets", "inheritedMetadata", "instances", "logLevel",
    "managed", "maxSyncReplicas", "minSyncReplicas", "monitoring",
    "nodeMaintenanceWindow", "plugins", "postgresGID", "postgresUID",
    "postgresql", "primaryUpdateMethod", "primaryUpdateStrategy",
    "priorityClassName", "probes", "projectedVolumeTemplate", "replica",
    "replicationSlots", "resources", "schedulerName", "seccompProfile",
    "serviceAccountTemplate", "smartShutdownTimeout", "startDelay",
    "stopDelay", "storage", "superuserSecret", "switchoverDelay",
    "tablespaces", "topologySpreadConstraints", "walStorage",
}
CNPG_BOOTSTRAP = {"initdb", "recovery", "pg_basebackup"}
CNPG_INITDB = {
    "database", "owner", "secret", "options", "dataChecksums", "encoding",
    "localeCollate", "localeCType", "locale", "localeProvider",
    "icuLocale", "icuRules", "builtinLocale", "walSegmentSize",
    "postInitSQL", "postInitApplicationSQL", "postInitTemplateSQL",
    "postInitSQLRefs", "postInitApplicationSQLRefs",
    "postInitTemplateSQLRefs", "import",
}
CNPG_STORAGE = {"size", "storageClass", "resizeInUseVolumes", "pvcTemplate"}
CNPG_POSTGRESQL = {
    "parameters", "pg_hba", "pg_ident", "shared_preload_libraries",
    "syncReplicaElectionConstraint", "synchronous", "ldap",
    "promotionTimeout", "enableAlterSystem", "extensions",
}


def unknown(where, value, allowed):
    if not isinstance(value, dict):
        return ["%s must be a mapping" % where]
    return ["%s.%s is not a known field" % (where, key)
            for key in sorted(set(value) - allowed)]


def check_cnpg_cluster(doc):
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        return ["spec must be a mapping"]
    errors = unknown("spec", spec, CNPG_CLUSTER_SPEC)
    instances = spec.get("instances")
    if not isinstance(instances, int) or isinstance(instances, bool) or instances < 1:
        errors.append("spec.instances must be an integer >= 1")
    storage = spec.get("storage")
    errors += unknown("spec.storage", storage, CNPG_STORAGE)
    if isinstance(storage, dict) and not isinstance(storage.get("size"), str):
        errors.append("spec.storage.size must be a quantity string")
    if "bootstrap" in spec:
        bootstrap = spec["bootstrap"]
        errors += unknown("spec.bootstrap", bootstrap, CNPG_BOOTSTRAP)
        if isinstance(bootstrap, dict) and "initdb" in bootstrap:
            errors += unknown("spec.bootstrap.initdb", bootstrap["initdb"], CNPG_INITDB)
    if "postgresql" in spec:
        errors += unknown("spec.postgresql", spec["postgresql"], CNPG_POSTGRESQL)
    return errors


CUSTOM = {("postgresql.cnpg.io/v1", "Cluster"): check_cnpg_cluster}
# Groups that are never part of Kubernetes itself: a resource of one of these
# that is not in CUSTOM is an error, not a warning.
CUSTOM_GROUPS = {"postgresql.cnpg.io"}


def main(rendered, out):
    with open(rendered) as f:
        docs = [doc for doc in yaml.safe_load_all(f) if doc]
    standard, failures, custom = [], [], 0
    for doc in docs:
        if not isinstance(doc, dict):
            failures.append("a document is not a mapping")
            continue
        api_version, kind = doc.get("apiVersion", ""), doc.get("kind", "")
        name = (doc.get("metadata") or {}).get("name", "?")
        check = CUSTOM.get((api_version, kind))
        if check is None and api_version.split("/")[0] in CUSTOM_GROUPS:
            failures.append("%s %s/%s: custom resource without a check in %s"
                            % (api_version, kind, name, sys.argv[0]))
        elif check is None:
            standard.append(doc)
        else:
            custom += 1
            if not isinstance(name, str) or name == "?":
                failures.append("%s %s: metadata.name is missing" % (api_version, kind))
            failures += ["%s %s/%s: %s" % (api_version, kind, name, error)
                         for error in check(doc)]
    with open(out, "w") as f:
        yaml.safe_dump_all(standard, f, sort_keys=False)
    for failure in failures:
        print("ERROR %s: %s" % (rendered, failure))
    print("%d Kubernetes resource(s) for kubernetes-validate, %d custom resource(s) checked here"
          % (len(standard), custom))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
