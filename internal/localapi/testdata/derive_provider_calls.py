#!/usr/bin/env python3
"""Derives, from terraform-provider-mongodbatlas' sources, every Admin API call
(method, path, media type) each provider package makes through atlas-sdk-go or
its generated-resource client. Usage: derive.py PROVIDER_DIR SDK_DIR... > calls.tsv"""
import os, re, sys
prov = sys.argv[1]
sdks = sys.argv[2:]
# SDK operations: (module path) -> {Service.Method: (method, path, accept)}
ops = {}
for sdk in sdks:
    mod = open(os.path.join(sdk, 'go.mod')).readline().split()[1]
    table = ops.setdefault(mod, {})
    for f in os.listdir(os.path.join(sdk, 'admin')):
        if not f.startswith('api_') or not f.endswith('.go'): continue
        src = open(os.path.join(sdk, 'admin', f)).read()
        for m in re.finditer(r'func \(a \*(\w+?)(?:Service)?\) (\w+)Execute\(r \w+\) .*?\{(.*?)\n\}\n', src, re.S):
            svc, name, body = m.groups()
            meth = re.search(r'localVarHTTPMethod\s*=\s*http\.Method(\w+)', body)
            path = re.search(r'localVarPath := localBasePath \+ "([^"]+)"', body)
            acc = re.search(r'localVarHTTPHeaderAccepts := \[\]string\{"([^"]+)"', body)
            if meth and path:
                table[name] = (meth.group(1).upper(), path.group(1), acc.group(1) if acc else '')
pkgs = sys.argv[0] and os.environ['PKGS'].split()
for pkg in pkgs:
    d = os.path.join(prov, pkg)
    seen = set()
    for f in sorted(os.listdir(d)):
        if not f.endswith('.go') or f.endswith('_test.go'): continue
        src = open(os.path.join(d, f)).read()
        aliases = {}
        for m in re.finditer(r'(\w+)?\s*"((?:go\.mongodb\.org/atlas-sdk/v\d+|github\.com/mongodb/atlas-sdk-go))/admin"', src):
            aliases[m.group(1) or 'admin'] = m.group(2)
        # which client a call goes through: connV2 (latest), connV220241113 etc.
        for m in re.finditer(r'\b(\w*(?:Api|API)|c|conn|client)\.(\w+)\(', src):
            svc, name = m.groups()
            name = name.removesuffix('WithParams')
            before = src[max(0, m.start()-40):m.start()]
            if '20241113' in before: cands = ['go.mongodb.org/atlas-sdk/v20241113005']
            elif '20240530' in before: cands = ['go.mongodb.org/atlas-sdk/v20240530005']
            else: cands = list(dict.fromkeys(list(aliases.values()) + ['go.mongodb.org/atlas-sdk/v20250312023']))
            cands += [c for c in ops if c not in cands]
            for c in cands:
                if c in ops and name in ops[c]:
                    seen.add(ops[c][name] + (name,)); break
        for m in re.finditer(r'VersionHeader:\s*(\w+|"[^"]+"),\s*RelativePath:\s*"([^"]+)",\s*PathParams:\s*\w+,\s*Method:\s*"(\w+)"', src, re.S):
            vh, path, meth = m.groups()
            if not vh.startswith('"'):
                vm = re.search(r'%s\s*=\s*"([^"]+)"' % vh, open(os.path.join(d, 'resource.go')).read() if os.path.exists(os.path.join(d,'resource.go')) else src)
                vh = vm.group(1) if vm else vh
            seen.add((meth, path, vh.strip('"'), ''))
        # the old client go.mongodb.org/atlas (v1.0)
        for m in re.finditer(r'\.Atlas\.(\w+)\.(\w+)\(', src):
            seen.add(('V1', m.group(1), m.group(2), ''))
    for s in sorted(seen, key=lambda x: (x[1], x[0])):
        print('\t'.join((pkg,) + s))
