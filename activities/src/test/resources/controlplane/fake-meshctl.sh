#!/bin/sh
# Stands in for meshctl in tests. It keeps its state next to itself:
#   calls        each call appended as: the argument count, then one argument per line
#   kubeconfig   the KUBECONFIG it was given (a path)
#   version.out  printed for "version" (default: meshctl's JSON for 0.11.3)
#   install.out  printed for "install"
#   exit-code    the exit code for "install" (default 0)
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
      echo '{"client":{"version":"0.11.3"},"server":[]}'
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
  *)
    echo "unknown command $1" >&2
    exit 2
    ;;
esac
