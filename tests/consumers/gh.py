"""A stand-in for the GitHub CLI (`gh`) in the tests that run the live and inventory recipes'
steps: it keeps issues in the JSON file $FAKE_GH_STATE and logs every call there, for exactly the
`gh issue` commands the recipes use (list, create, view, edit, comment, close). Anything else
fails loudly, so a recipe that starts using another command fails its test until this script
learns it."""

import json
import os
import sys


def load():
    try:
        with open(os.environ["FAKE_GH_STATE"], encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {"issues": [], "calls": []}


def save(state):
    with open(os.environ["FAKE_GH_STATE"], "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1)


def option(args, name):
    if name not in args:
        sys.exit(f"gh stand-in: {name} missing in {args}")
    return args[args.index(name) + 1]


def issue(state, number):
    for found in state["issues"]:
        if found["number"] == int(number):
            return found
    sys.exit(f"gh stand-in: no issue {number}")


def main(args):
    state = load()
    state["calls"].append(args)
    if args[:2] == ["issue", "list"]:
        fields = option(args, "--json").split(",")
        assert option(args, "--state") == "open" and fields in (["number", "title"],
                                                                ["number", "title", "body"]), args
        # gh lists 30 issues unless --limit says more: a recipe that keeps many must say so.
        limit = int(option(args, "--limit")) if "--limit" in args else 30
        listed = [{f: i[f] for f in fields} for i in state["issues"] if i["state"] == "open"]
        print(json.dumps(listed[:limit]))
    elif args[:2] == ["issue", "create"]:
        with open(option(args, "--body-file"), encoding="utf-8") as f:
            body = f.read()
        number = len(state["issues"]) + 1
        state["issues"].append({"number": number, "title": option(args, "--title"), "body": body,
                                "state": "open", "comments": []})
        print(f"https://github.com/example/repo/issues/{number}")
    elif args[:2] == ["issue", "view"]:
        assert args[3:] == ["--json", "body", "--jq", ".body"], args
        print(issue(state, args[2])["body"])
    elif args[:2] == ["issue", "edit"]:
        found = issue(state, args[2])
        with open(option(args, "--body-file"), encoding="utf-8") as f:
            found["body"] = f.read()
        if "--title" in args:
            found["title"] = option(args, "--title")
    elif args[:2] == ["issue", "comment"]:
        issue(state, args[2])["comments"].append(option(args, "--body"))
    elif args[:2] == ["issue", "close"]:
        found = issue(state, args[2])
        found["state"] = "closed"
        found["comments"].append(option(args, "--comment"))
    else:
        save(state)
        sys.exit(f"gh stand-in: unsupported command {args}")
    save(state)


main(sys.argv[1:])
