#!/usr/bin/env bash
# Compares `reqscope jwt verify` with PyJWT, and with openssl's raw RS256 check, per algorithm.
#
#   bench/jwt_vs_pyjwt.sh [BUILD_DIR] [RUNS]
#
# Makes an HMAC secret, an RSA 2048, a P-256 and an Ed25519 key with openssl, signs one token
# per algorithm (HS256, RS256, ES256, EdDSA) with `reqscope jwt sign`, checks once that
# reqscope and PyJWT both accept each token, then times whole commands, a fresh process per
# run (default 20 runs, hyperfine -N when installed, else a python3 loop), pinned to CPU 1:
#   reqscope jwt verify TOKEN --key PUB --alg ALG  (and --json, which renders less text)
#   python3 verify.py ALG PUB TOKEN                (PyJWT's jwt.decode, the same checks)
#   openssl dgst -sha256 -verify PUB -signature SIG INPUT  (RS256 only: the bare crypto)
#   reqscope --version, python3 -c 'import jwt'    (process and import start-up)
# and prints p50, mean and min per command, the ratio of reqscope to PyJWT per algorithm (and
# to openssl for RS256), and each tool's time beyond its own start-up. Prints figures; never
# fails on speed. Exits 2 when a tool is missing or a token does not verify in both tools.
# Needs: openssl, /usr/bin/python3 with python3-jwt and python3-cryptography, taskset;
# hyperfine optional.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/common.sh
source bench/common.sh
build=${1:-build}
runs=${2:-20}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number, not '$runs'" >&2; exit 2; }
reqscope_path="$build/reqscope"
require_built "$reqscope_path"
python=/usr/bin/python3
require_tools openssl taskset "$python"
"$python" -c 'import jwt, cryptography' 2>/dev/null ||
  { echo "bench: $python needs python3-jwt and python3-cryptography" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A private copy, so that a rebuild during the run neither breaks nor changes it.
reqscope=$work/reqscope
cp "$reqscope_path" "$reqscope"
"$reqscope" jwt verify --help >/dev/null 2>&1 ||
  { echo "bench: $reqscope_path has no 'jwt verify' command" >&2; exit 2; }

timing_prefix=()
pinned="not pinned (one CPU)"
if [ "$(nproc)" -ge 2 ]; then
  timing_prefix=(taskset -c 1)
  pinned="pinned to CPU 1"
fi

printf 'a-64-byte-secret-for-the-jwt-benchmark-0123456789abcdefghijklmn' > "$work/hs.key"
cp "$work/hs.key" "$work/hs.pub"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rs.key" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/es.key" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$work/ed.key" 2>/dev/null
for name in rs es ed; do openssl pkey -in "$work/$name.key" -pubout -out "$work/$name.pub"; done

cat > "$work/verify.py" <<'PY'
import sys
import jwt
alg, key_file, token = sys.argv[1:4]
jwt.decode(token, open(key_file, "rb").read(), algorithms=[alg])
PY

algorithms=(HS256 RS256 ES256 EdDSA)
files=(hs rs es ed)
commands=()
for i in "${!algorithms[@]}"; do
  alg=${algorithms[$i]} file=${files[$i]}
  if [ "$alg" = HS256 ]; then key_option=(--secret-file "$work/hs.key"); else key_option=(--key "$work/$file.key"); fi
  token=$("$reqscope" jwt sign --alg "$alg" "${key_option[@]}" --sub bench --exp 1h)
  printf '%s' "$token" > "$work/$file.token"
  if [ "$alg" = HS256 ]; then verify_key=(--secret-file "$work/hs.pub"); else verify_key=(--key "$work/$file.pub"); fi
  "$reqscope" jwt verify "$token" "${verify_key[@]}" --alg "$alg" > "$work/check.out" 2>&1 ||
    { echo "bench: reqscope does not verify its own $alg token:" >&2; cat "$work/check.out" >&2; exit 2; }
  "$python" "$work/verify.py" "$alg" "$work/$file.pub" "$token" 2> "$work/check.err" ||
    { echo "bench: PyJWT does not verify reqscope's $alg token:" >&2; cat "$work/check.err" >&2; exit 2; }
  commands+=("$(printf '%q ' "$reqscope" jwt verify "$token" "${verify_key[@]}" --alg "$alg")"
             "$(printf '%q ' "$reqscope" jwt verify "$token" "${verify_key[@]}" --alg "$alg" --json)"
             "$(printf '%q ' "$python" "$work/verify.py" "$alg" "$work/$file.pub" "$token")")
done
# RS256 as openssl checks it: the signing input and the raw signature as files.
rs_token=$(cat "$work/rs.token")
printf '%s' "${rs_token%.*}" > "$work/rs.input"
"$python" -c 'import base64,sys; s=sys.argv[1]; sys.stdout.buffer.write(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))' \
  "${rs_token##*.}" > "$work/rs.sig"
openssl dgst -sha256 -verify "$work/rs.pub" -signature "$work/rs.sig" "$work/rs.input" > /dev/null ||
  { echo "bench: openssl does not verify the RS256 token's signature" >&2; exit 2; }
commands+=("$(printf '%q ' openssl dgst -sha256 -verify "$work/rs.pub" -signature "$work/rs.sig" "$work/rs.input")"
           "$(printf '%q ' "$reqscope" --version)"
           "$(printf '%q ' "$python" -c 'import jwt')")

time_commands "$runs" "$work/wall.json" "${commands[@]}"

echo "reqscope $("$reqscope" --version | cut -d' ' -f2) ($reqscope_path) vs PyJWT" \
     "$("$python" -c 'import jwt; print(jwt.__version__)') and $(openssl version | cut -d' ' -f1-2)"
echo "timed with $timing_method, $runs runs each, $pinned"
"$python" - "$work/wall.json" "${algorithms[@]}" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
algorithms = sys.argv[2:]
ms = [[t * 1000 for t in r["times"]] for r in results]
p50 = [statistics.median(t) for t in ms]
labels = []
for alg in algorithms:
    labels += [f"reqscope jwt verify {alg}", f"reqscope jwt verify {alg} --json", f"PyJWT decode {alg}"]
labels += ["openssl dgst -verify (RS256)", "reqscope --version", "python3 -c 'import jwt'"]
print(f"  {'':<36}{'p50':>8}{'mean':>8}{'min':>8}  (ms)")
for label, times, median in zip(labels, ms, p50):
    print(f"  {label:<36}{median:>8.2f}{statistics.mean(times):>8.2f}{min(times):>8.2f}")
start_ours, start_python = p50[-2], p50[-1]
print("  ratios of the p50s (below 1, reqscope is faster), and time beyond start-up:")
for i, alg in enumerate(algorithms):
    ours, theirs = p50[3 * i], p50[3 * i + 2]
    print(f"    {alg:<6} reqscope / PyJWT {ours / theirs:>6.2f}"
          f"   beyond start-up: reqscope {ours - start_ours:6.2f} ms, PyJWT {theirs - start_python:6.2f} ms")
print(f"    RS256  reqscope / openssl dgst {p50[3] / p50[-3]:>6.2f}")
PY
echo
echo "Not the same work: reqscope also checks exp/nbf/iat, lists every check and renders them;"
echo "PyJWT checks the same claims; openssl dgst checks only the RS256 signature bytes."
