#!/usr/bin/env python3
"""Checks qir's CI examples (docs/ci): the GitHub Actions workflow and the Kubernetes Job parse
as YAML; every job, step, matrix key, env variable, ConfigMap and volume claim they reference
exists; every repository file they run exists; every qir command uses a qir subcommand and
flags that `qir <command> --help` lists. Prints one line per problem, exits 1 when there is one.

usage: check_ci_examples.py QIR SRCDIR WORKFLOW.yml K8S.yaml
"""
import re
import subprocess
import sys

import yaml

QIR_CALL = re.compile(r"(?:^|[\s;&|(])(?:\S*/)?qir[ \t]+([a-z_]+)((?:[^\n]|\\\n)*)")
REPO_PATH = re.compile(r"(?:^|\s)((?:scripts|implementations|tests|docs)/[\w./-]+)")
EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)

problems = []
help_cache = {}


def qir_help(qir, command):
    if command not in help_cache:
        args = [qir, "--help"] if command is None else [qir, command, "--help"]
        out = subprocess.run(args, capture_output=True, text=True)
        help_cache[command] = out.stdout + out.stderr
    return help_cache[command]


def check_qir_commands(qir, where, script):
    commands = re.findall(r"^\s+([a-z_]+)\s", qir_help(qir, None), re.M)
    for command, rest in QIR_CALL.findall(script):
        if command not in commands:
            problems.append(f"{where}: qir {command}: no such qir command (qir --help lists {', '.join(commands)})")
            continue
        known = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", qir_help(qir, command)))
        rest = re.split(r"\|\||&&|;|\||>", rest.replace("\\\n", " "))[0]  # up to the next shell operator
        for token in rest.split():
            if token.startswith("-") and not token.startswith("--" + "-"):
                flag = token.split("=", 1)[0]
                if re.fullmatch(r"--?[A-Za-z][\w-]*", flag) and flag not in known:
                    problems.append(f"{where}: qir {command} {flag}: not a flag of qir {command}")


def check_repo_paths(srcdir, where, script):
    import os
    for path in REPO_PATH.findall(script):
        if not os.path.exists(os.path.join(srcdir, path.rstrip("/"))):
            problems.append(f"{where}: {path} does not exist in the repository")


def check_workflow(qir, srcdir, path):
    doc = yaml.safe_load(open(path))
    jobs = doc.get("jobs") or {}
    if not jobs:
        problems.append(f"{path}: no jobs")
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    if not triggers:
        problems.append(f"{path}: no `on` triggers")
    top_env = set((doc.get("env") or {}).keys())
    for name, job in jobs.items():
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        for n in needs:
            if n not in jobs:
                problems.append(f"{path}: job {name} needs {n}, which is not a job")
        steps = job.get("steps") or []
        if not steps:
            problems.append(f"{path}: job {name} has no steps")
        ids = {s["id"] for s in steps if "id" in s}
        matrix = ((job.get("strategy") or {}).get("matrix") or {})
        env = top_env | set((job.get("env") or {}).keys())
        # ${{ }} anywhere, and `if:` conditions, which are expressions without the braces.
        exprs = EXPR.findall(yaml.safe_dump(job)) + [str(x["if"]) for x in [job] + steps if "if" in x]
        references = (("needs", needs, "but does not need it"), ("steps", ids, "which is no step's id"),
                 ("matrix", matrix, "which its matrix lacks"), ("env", env, "which is not set"))
        for expr in exprs:
            for context, names, why in references:
                for ref in re.findall(r"\b" + context + r"\.([\w-]+)", expr):
                    if ref not in names:
                        problems.append(f"{path}: job {name} reads {context}.{ref}, {why}")
        if "shard" in matrix and "SHARDS" in top_env and len(matrix["shard"]) != int(doc["env"]["SHARDS"]):
            problems.append(f"{path}: job {name}: matrix.shard has {len(matrix['shard'])} entries, SHARDS is "
                            f"{doc['env']['SHARDS']}")
        for i, step in enumerate(steps):
            where = f"{path}: job {name} step {step.get('name', i)}"
            if "uses" in step and not re.fullmatch(r"actions/(checkout|upload-artifact|download-artifact)@v\d+",
                                                   step["uses"]):
                problems.append(f"{where}: uses {step['uses']}, not one of GitHub's own actions")
            if "run" in step:
                check_qir_commands(qir, where, step["run"])
                check_repo_paths(srcdir, where, step["run"])


def check_kubernetes(qir, path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
    config = by_kind.get("ConfigMap", {})
    claims = by_kind.get("PersistentVolumeClaim", {})
    jobs = by_kind.get("Job", {})
    indexed = [j for j in jobs.values() if j["spec"].get("completionMode") == "Indexed"]
    if not indexed:
        problems.append(f"{path}: no Indexed Job")
    for name, job in jobs.items():
        pod = job["spec"]["template"]["spec"]
        for volume in pod.get("volumes", []):
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim is not None and claim not in claims:
                problems.append(f"{path}: Job {name} mounts claim {claim}, which is not defined")
        for c in pod["containers"]:
            mounts = {m["name"] for m in c.get("volumeMounts", [])}
            for m in mounts - {v["name"] for v in pod.get("volumes", [])}:
                problems.append(f"{path}: Job {name} mounts volume {m}, which the pod lacks")
            for ref in c.get("envFrom", []):
                cm = (ref.get("configMapRef") or {}).get("name")
                if cm is not None and cm not in config:
                    problems.append(f"{path}: Job {name} reads ConfigMap {cm}, which is not defined")
            script = "\n".join(c.get("command", []) + c.get("args", []))
            check_qir_commands(qir, f"{path}: Job {name}", script)
            if job in indexed and "JOB_COMPLETION_INDEX" not in script:
                problems.append(f"{path}: Indexed Job {name} does not use JOB_COMPLETION_INDEX as its shard")
        if job in indexed:
            shards = [int(cm["data"]["SHARDS"]) for cm in config.values() if "SHARDS" in cm.get("data", {})]
            if shards and job["spec"]["completions"] != shards[0]:
                problems.append(f"{path}: Job {name} has {job['spec']['completions']} completions, SHARDS is "
                                f"{shards[0]}")


def main():
    qir, srcdir, workflow, k8s = sys.argv[1:5]
    for check, args in ((check_workflow, (qir, srcdir, workflow)), (check_kubernetes, (qir, k8s))):
        try:
            check(*args)
        except (yaml.YAMLError, KeyError, TypeError, AttributeError) as e:
            problems.append(f"{args[-1]}: malformed: {type(e).__name__}: {str(e).splitlines()[0]}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
