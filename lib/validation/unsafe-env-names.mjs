// Environment names that change how programs load or run: dynamic loaders, interpreter and runtime option
// and module-path variables, shell start-up and prompt variables, tools that run a configured command.
// A secret bound under one of them would let whoever creates a token run code in every consumer (an
// Admin binding a value as NODE_OPTIONS=--require=/tmp/x.js). Plain JavaScript with no imports: shared by
// the token schema (browser and server, lib/validation/tokens.ts) and the CLI (bin/team-secrets.mjs),
// which checks again before it injects anything. Names compare case-insensitively (Windows does).

/** Refused exactly (upper-cased). */
export const UNSAFE_ENV_NAMES = Object.freeze([
  // Search paths and shells
  "PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS1", "PS2", "PS4", "PROMPT_COMMAND", "CDPATH",
  "GLOBIGNORE", "FPATH", "ZDOTDIR", "SHELL", "HOME", "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "XDG_DATA_DIRS",
  "INPUTRC",
  // glibc: module loading and tunables (GCONV_PATH and GLIBC_TUNABLES have been privilege escalations)
  "GCONV_PATH", "GLIBC_TUNABLES", "LOCPATH", "NLSPATH", "HOSTALIASES", "RESOLV_HOST_CONF", "MALLOC_CHECK_",
  // Java / JVM build tools
  "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "JAVA_HOME", "CLASSPATH", "MAVEN_OPTS",
  "GRADLE_OPTS", "SBT_OPTS", "ANT_OPTS",
  // Other interpreters and runtimes
  "RUBYOPT", "RUBYLIB", "GEM_HOME", "GEM_PATH", "BUNDLE_GEMFILE", "PERLLIB", "PERLIO", "PHPRC", "PHP_INI_SCAN_DIR",
  "LUA_INIT", "LUA_PATH", "LUA_CPATH", "TCLLIBPATH", "R_PROFILE", "R_PROFILE_USER", "R_ENVIRON", "R_ENVIRON_USER",
  "ELECTRON_RUN_AS_NODE", "GOFLAGS", "GOROOT", "GOPATH", "GOPROXY", "GOTOOLCHAIN", "GOENV", "CGO_CFLAGS", "CGO_LDFLAGS",
  "RUSTC_WRAPPER", "RUSTFLAGS", "CARGO_HOME", "CC", "CXX", "LDFLAGS", "CFLAGS", "CPPFLAGS", "MAKEFLAGS",
  // Programs other programs start (pagers, editors, askpass helpers, less's input preprocessor)
  "EDITOR", "VISUAL", "PAGER", "MANPAGER", "BROWSER", "LESSOPEN", "LESSCLOSE", "LESSKEY", "SSH_ASKPASS",
  "SUDO_ASKPASS",
]);

/** Refused as prefixes (upper-cased): every variable of these families. */
export const UNSAFE_ENV_PREFIXES = Object.freeze([
  "LD_", // LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, ...
  "DYLD_", // macOS loader
  "NODE_", // NODE_OPTIONS, NODE_PATH, NODE_EXTRA_CA_CERTS, NODE_TLS_REJECT_UNAUTHORIZED, ...
  "NPM_CONFIG_", // npm_config_script_shell, npm_config_node_options, registry
  "YARN_",
  "BUN_",
  "DENO_",
  "BASH_", // BASH_ENV, BASH_FUNC_*, BASH_LOADABLES_PATH, BASH_XTRACEFD
  "PYTHON", // PYTHONPATH, PYTHONSTARTUP, PYTHONHOME, PYTHONINSPECT, PYTHONWARNINGS, ...
  "PIP_",
  "PERL5", // PERL5LIB, PERL5OPT, PERL5DB
  "PERL_",
  "RUBY", // RUBYOPT, RUBYLIB, RUBY_*
  "GIT_", // GIT_SSH_COMMAND, GIT_EXEC_PATH, GIT_CONFIG_* (any config, hooks path, core.fsmonitor), GIT_ASKPASS, ...
  "DOTNET_", // DOTNET_STARTUP_HOOKS, ...
  "COMPLUS_",
  "CORECLR_", // CORECLR_PROFILER loads a library into every .NET process
  "OPENSSL_", // OPENSSL_CONF can load an engine or provider
]);

/**
 * Why `name` may not be used as an environment name, or null when it may. Names compare ignoring case.
 * @param {string} name
 * @returns {string | null}
 */
export function unsafeEnvNameReason(name) {
  const upper = String(name).toUpperCase();
  const hit = UNSAFE_ENV_NAMES.includes(upper) ? upper : UNSAFE_ENV_PREFIXES.find((p) => upper.startsWith(p));
  if (!hit) return null;
  const what = hit === upper ? upper : `${hit}*`;
  return `${name} cannot be used as an environment name: ${what} changes how programs load or run, so a secret under it could run code in every program that uses the token. Choose another name.`;
}
