# Sourced by ./mvnw, ./dlm4j and .ci/run: makes JAVA_HOME point at a JDK 25 or newer.
# Keeps JAVA_HOME when it already is one; otherwise looks in the usual install locations.
dlm4j_java_major() {
  # The JDK's `release` file says JAVA_VERSION="25.0.3"; old JDKs say "1.8.0_x".
  v=$(sed -n 's/^JAVA_VERSION="\([0-9.]*\).*/\1/p' "$1/release" 2>/dev/null)
  case "$v" in 1.*) echo 1 ;; "") echo 0 ;; *) echo "${v%%.*}" ;; esac
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ] || [ "$(dlm4j_java_major "$JAVA_HOME")" -lt 25 ]; then
  dlm4j_found=""
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -x "$d/bin/javac" ] && [ "$(dlm4j_java_major "$d")" -ge 25 ]; then dlm4j_found="$d"; break; fi
  done
  if [ -z "$dlm4j_found" ]; then
    echo "dlm4j: no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}); install one and set JAVA_HOME to it" >&2
    exit 1
  fi
  export JAVA_HOME="$dlm4j_found"
fi
