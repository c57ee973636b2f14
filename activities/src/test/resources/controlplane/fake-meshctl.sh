#!/bin/sh
# Stands in for meshctl in tests. It keeps its state next to itself:
#   calls             each call appended as: the argument count, then one argument per line
#   kubeconfig        the KUBECONFIG it was given (a path)
#   version.out       printed for "version" (default: meshctl 0.11.3's indented JSON)
#   install.out       printed for "install"
#   exit-code         the exit code for "install" (default 0)
#   check.out         printed for "check" (default: meshctl's output when every check passed)
#   check-exit-code   the exit code for "check" (default 0: meshctl check exits 0 even when a check fails;
#                     non-zero only when it cannot run its checks at all)
#   check-sleep       seconds "check" hangs before printing (for timeouts)
#   cluster.out       printed for "cluster" (register)
#   cluster-exit-code the exit code for "cluster" (default 0)
here=$(dirname "$0")
printf '%s\n' "$#" >> "$here/calls"
for arg in "$@"; do
  printf '%s\n' "$arg" >> "$here/calls"
done
printf '%s\n' "${KUBECONFIG:-}" > "$here/kubeconfig"
case "$1" in
  version)
    if [ -f "$here/version.out" ]; then
      cat "$here/version.out"
    else
      cat <<'JSON'
{
  "client": {
    "version": "0.11.3"
  },
  "server": null
}
JSON
    fi
    ;;
  install)
    if [ -f "$here/install.out" ]; then
      cat "$here/install.out"
    else
      echo "Installing Helm chart"
      echo "Finished installing chart 'gloo-mesh' as release gloo-mesh:gloo-mesh"
    fi
    exit "$(cat "$here/exit-code" 2>/dev/null || echo 0)"
    ;;
  check)
    if [ -f "$here/check-sleep" ]; then
      # exec, so the process that times out is the one the caller kills
      exec sleep "$(cat "$here/check-sleep")"
    fi
    if [ -f "$here/check.out" ]; then
      cat "$here/check.out"
    else
      cat <<'OUT'
Gloo Mesh
------------
✅ Gloo Mesh pods are running

Management Configuration
---------------------------
✅ Gloo Mesh networking configuration resources are in a valid state

OUT
    fi
    exit "$(cat "$here/check-exit-code" 2>/dev/null || echo 0)"
    ;;
  cluster)
    if [ -f "$here/cluster.out" ]; then
      cat "$here/cluster.out"
    else
      echo "Successfully registered cluster"
    fi
    exit "$(cat "$here/cluster-exit-code" 2>/dev/null || echo 0)"
    ;;
  *)
    echo "unknown command $1" >&2
    exit 2
    ;;
esac
