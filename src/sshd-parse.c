/* sshd and Linux-PAM message parser: one message text (after "ident[pid]: ")
 * into a struct auth_event. A static table holds one row per sshd format
 * string: {kind, literal prefix or needle, pcre2 regex, comment naming the
 * format string}. sshd_parser_new() compiles every row once (JIT); a message is
 * stripped of "error: "/"fatal: "/"debugN: " and " [preauth]"/" [postauth]",
 * then only the rows whose literal prefix matches (bucketed by first byte) are
 * tried, in table order, so most messages run exactly one regex. Rows without
 * a prefix carry a needle (memmem) and are tried last. The rows of the most
 * common messages also have a literal matcher (natives[]), tried in the row's
 * place before its regex, which reads them without PCRE2.
 *
 * Invariants: never read past len; every captured field is truncated to its
 * buffer; attacker-controlled user names are matched greedily so that the
 * address and port are the LAST " IP port N" (openssh-messages.md §7.13). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "event.h"
#include "sshd-parse-int.h"
#include "sshd-parse.h"
#include "util.h"
#include "banned.h"

/* Building blocks. Numeric addresses are validated (IPv4 dotted quad with
 * octets <= 255, IPv6 hex groups with optional embedded IPv4 and %zone), ports
 * are 0..65535. */
#define OCTET "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#define IP4 OCTET "(?:\\." OCTET "){3}"
#define IP6 "(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|" IP4 ")?(?:%[A-Za-z0-9_.\\-]+)?"
#define IP "(?:" IP4 "|" IP6 ")"
#define PORT "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)"
/* sshkey_type() short names (§5.2) */
#define KTYPE "(?:[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*|unknown)"
/* sshkey_fingerprint(): SHA256:b64(43), MD5:hex pairs, other digests (§5.1) */
#define FP "(?:SHA256:[A-Za-z0-9+/]{43}|MD5:(?:[0-9a-f]{2}:){15}[0-9a-f]{2}|SHA(?:1|384|512):[A-Za-z0-9+/]+)"
/* packet.c connection id: "[<preamble> ]IP port N"; the monitor's own
 * preamble lacks a space ("authenticatinguser"). User greedy: the address is
 * the last " IP port N" (§7.13). */
#define PRE "(?:(?<pre>authenticating ?user|invalid user|user) (?<user>.*) )?"
#define CONNID PRE "(?<addr>" IP ") port (?<port>" PORT ")"
#define NET "(?:" IP ")/[0-9]{1,3}"
/* A fingerprint as given when it is not one sshkey_fingerprint() makes
 * (characters outside base64 from a copy, a patched build): kept as text. */
#define FPX "(?:" FP "|(?:SHA256|SHA1|SHA384|SHA512|MD5):[^ ,]+)"

/* Post-processing a row may need beyond the generic field copy. */
enum post {
	POST_NONE,
	POST_NOT_ALLOWED,       /* map the AllowUsers/DenyGroups/... text in reason to a code in detail */
	POST_CERT_REASON,       /* strip "Certificate invalid: " from detail */
	POST_FILE_LINE,         /* detail = detail ":" reason (7.4-7.6 "file F, line N"), reason cleared */
	POST_PENALTY,           /* code = reason (seconds, "%d" or "%.3f") in milliseconds */
	POST_DROP,              /* reason = the penalty's reason without "penalty: "; method = penalty/maxstartups */
};

struct pattern {
	enum event_kind kind;
	const char *prefix;     /* literal the stripped text starts with, or NULL */
	const char *needle;     /* literal that must occur (memmem); required when prefix == NULL */
	const char *regex;
	unsigned flags;         /* EVF_* always set on a match */
	const char *detail;     /* constant detail, overrides a captured one */
	enum post post;
	const char *comment;    /* the sshd format string and source it mirrors */
};

/* pattern.flags bit (not an EVF_*): try the row only on a message of 500+
 * bytes, i.e. one sshd cut at "%.500s" before the address (§1, §7.9). */
#define PF_TRUNCATED (1u << 31)

#define P(k, pfx, re, fl, det, post, c) { EVENT_##k, pfx, NULL, re, fl, det, post, c }
#define N(k, ndl, re, fl, det, post, c) { EVENT_##k, NULL, ndl, re, fl, det, post, c }
/* prefix and a needle that must also occur: skips the regex cheaply */
#define PN(k, pfx, ndl, re, fl, det, post, c) { EVENT_##k, pfx, ndl, re, fl, det, post, c }

/* auth.c:auth_log() "%s %s%s%s for %s%.100s from %.200s port %d ssh2%s%s":
 * invalid users are attacker controlled, so greedy user, last " from IP port N
 * ssh2" at the end (invalid users never get key info); valid users: first
 * occurrence, then the strict format_method_key() grammar. */
#define AUTHLOG_INVALID(word) \
	"^" word " (?<method>[^ ]+) for (?<inv>invalid user )(?<user>.*) from (?<addr>" IP ") port (?<port>" PORT ") ssh2$"
#define AUTHLOG_EXTRA \
	"(?:: (?:(?<ktype>" KTYPE ")(?: (?<fp>" FPX "))?(?: (?<detail>ID .* \\(serial [0-9]+\\) CA " KTYPE " " FP "))?" \
	"(?:, (?<reason>client user \".*\", client host \".*\"))?|(?<detail2>[^ ]+)))?"
#define AUTHLOG_VALID(word) \
	"^" word " (?<method>[^ ]+) for (?!invalid user )(?<user>.*?) from (?<addr>" IP ") port (?<port>" PORT ") ssh2" AUTHLOG_EXTRA "$"
/* Last resort for a valid-user line whose extra does not follow the grammar
 * (truncated at 500 bytes, unknown future format): keep addr/port, extra in reason. */
#define AUTHLOG_LOOSE(word) \
	"^" word " (?<method>[^ ]+) for (?!invalid user )(?<user>.*?) from (?<addr>" IP ") port (?<port>" PORT ") ssh2(?:: (?<reason>.*))?$"
#define AUTHLOG_ROWS(K, word, fn) \
	PN(K, word " ", " for invalid user ", AUTHLOG_INVALID(word), 0, NULL, POST_NONE, fn " \"%s %s%s%s for %s%.100s from %.200s port %d ssh2%s%s\" (invalid user)"), \
	P(K, word " ", AUTHLOG_VALID(word), 0, NULL, POST_NONE, fn " \"%s %s%s%s for %s%.100s from %.200s port %d ssh2%s%s\" + format_method_key()"), \
	P(K, word " ", AUTHLOG_LOOSE(word), 0, NULL, POST_NONE, fn " same, extra not in the format_method_key() grammar")

/* Rows that have a literal matcher too (natives[] below): each regex is
 * named once, so the matcher is bound to the exact text it stands for. */
#define RE_CONNECTION_CLOSED \
	"^Connection closed by " CONNID "$"
#define RE_CONNECTION_RESET \
	"^Connection reset by " CONNID "$"
#define RE_DISCONNECTED \
	"^Disconnected from " CONNID "$"
#define RE_KEX_IDENT \
	"^kex_exchange_identification: (?<detail>.*)$"
#define RE_INVALID_USER \
	"^Invalid user (?<user>.*) from (?<addr>" IP ") port (?<port>" PORT ")$"
#define RE_PAM_MORE \
	"^PAM (?<detail>[0-9]+) more authentication failures?;.*? rhost=(?<addr>[^ ]*)(?: +user=(?<user>.*))? *$"
#define RE_PAM_AUTH_FAILURE \
	"^pam_unix\\([^():]*:auth\\): authentication failure;.*? rhost=(?<addr>[^ ]*)(?: +user=(?<user>.*))? *$"
#define RE_PAM_USER_UNKNOWN \
	"^pam_unix\\([^():]*:auth\\): (?<detail>check pass; user unknown)$"
#define RE_MAX_AUTH_TRIES \
	"^maximum authentication attempts exceeded for (?<inv>invalid user )?(?<user>.*) from (?<addr>" IP ") port (?<port>" PORT ") ssh2$"
#define RE_RECEIVED_DISCONNECT \
	"^Received disconnect from (?<addr>" IP ") port (?<port>" PORT "):(?<code>[0-9]{1,10}): ?(?<detail>.*)$"

/* loginrec.c: the utmp/wtmp/lastlog writers' logit("%s: ...", __func__) errors */
#define LOGINREC_RE "^(?<detail>(?:utmp|utmpx|wtmp|wtmpx|wtmpdb|lastlog|syslogin)_[a-z_]+: .*)$"
#define LOGINREC_C "loginrec.c utmp/wtmp/lastlog writers' logit(\"%s: ...\", __func__) errors"

static const struct pattern patterns[] = {
	/* ---- 3.1 listener ---- */
	P(SERVER_LISTENING, "Server listening on ",
	  "^Server listening on (?<laddr>" IP ") port (?<lport>" PORT ")(?: rdomain (?<detail>.*))?\\.$", 0, NULL, POST_NONE,
	  "sshd.c:listen_on_addrs() \"Server listening on %s port %s%s%s.\" (7.4-7.6 server_listen() without rdomain)"),
	P(SERVER_SIGNAL, "Received signal ",
	  "^Received signal (?<detail>[0-9]+); terminating\\.$", 0, NULL, POST_NONE,
	  "sshd.c:server_accept_loop() \"Received signal %d; terminating.\""),
	P(SERVER_SIGNAL, "Received SIGHUP",
	  "^Received (?<detail>SIGHUP); restarting\\.$", 0, NULL, POST_NONE,
	  "sshd.c:sighup_restart() \"Received SIGHUP; restarting.\""),
	P(DROP_CONNECTION, "drop connection #",
	  "^drop connection #(?<code>[0-9]{1,10}) from \\[(?<addr>" IP ")\\]:(?<port>" PORT ") on \\[(?<laddr>" IP ")\\]:(?<lport>" PORT ") (?<detail>.*)$",
	  EVF_LISTENER, NULL, POST_DROP,
	  "sshd.c:drop_connection() \"drop connection #%d from [%s]:%d on [%s]:%d %s\" (7.4-9.7 \"... past MaxStartups\")"),
	P(MAXSTARTUPS, "beginning MaxStartups throttling",
	  "^(?<detail>beginning MaxStartups throttling)$", EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:drop_connection() \"beginning MaxStartups throttling\""),
	P(MAXSTARTUPS, "in MaxStartups throttling for ",
	  "^(?<detail>in MaxStartups throttling for .*, [0-9]+ connections dropped)$", EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:drop_connection() \"in MaxStartups throttling for %s, %u connections dropped\""),
	P(MAXSTARTUPS, "exited MaxStartups throttling after ",
	  "^(?<detail>exited MaxStartups throttling after .*, [0-9]+ connections dropped)$", EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:drop_connection() \"exited MaxStartups throttling after %s, %u connections dropped\""),
	N(MAXSTARTUPS, " logging rate-limited: additional ",
	  "^(?<detail>[A-Za-z]+ logging rate-limited: additional [0-9]+ connections dropped)$", EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:drop_connection() \"%s logging rate-limited: additional %u connections dropped\" (10.0+)"),
	/* PENALTY: addr = the penalised network, method = deferred / active /
	 * activating / table-full, reason = the seconds as logged, code = the
	 * same in milliseconds, detail = sshd's reason ("penalty: ..."). Some
	 * builds print "%ds seconds"; both read. */
	P(PENALTY, "srclimit_penalise: ",
	  "^srclimit_penalise: ipv[46]: new (?<addr>" NET ") (?<method>deferred|active) penalty of (?<reason>[0-9]{1,9}(?:\\.[0-9]{1,6})?)s? seconds for (?<detail>.*)$",
	  EVF_LISTENER, NULL, POST_PENALTY,
	  "srclimit.c:srclimit_penalise() verbose_f(\"%s: new %s %s penalty of %d seconds for %s\") (9.8-10.2; 10.3+ %.3f, logit when active)"),
	P(PENALTY, "srclimit_penalise: ",
	  "^srclimit_penalise: (?<addr>" NET "): (?<method>activating) ipv[46] penalty of (?<reason>[0-9]{1,9}(?:\\.[0-9]{1,6})?)s? seconds for (?<detail>.*)$",
	  EVF_LISTENER, NULL, POST_PENALTY,
	  "srclimit.c:srclimit_penalise() verbose_f(\"%s: activating %s penalty of %lld seconds for %s\") (10.3+ %.3f)"),
	P(PENALTY, "srclimit_penalise: ",
	  "^srclimit_penalise: ipv[46] penalty table full, cannot penalise (?<addr>" NET ") for (?<detail>.*)$",
	  EVF_LISTENER, NULL, POST_PENALTY,
	  "srclimit.c:srclimit_penalise() verbose_f(\"%s penalty table full, cannot penalise %s for %s\")"),
	P(PENALTY, "srclimit_penalise: ",
	  "^srclimit_penalise: (?<detail>.*)$", EVF_LISTENER, NULL, POST_NONE,
	  "srclimit.c:srclimit_penalise() any other penalty line"),
	N(PENALTY, " penalties",
	  "^(?<detail>[0-9]+ active ipv[46] penalties)$", EVF_LISTENER, NULL, POST_NONE,
	  "srclimit.c:srclimit_penalty_info_for_tree() logit(\"%zu active %s penalties\") (SIGINFO)"),
	P(PENALTY, "client ",
	  "^client (?<addr>" NET ") (?<detail>.*) \\((?:(?<reason>[0-9]+(?:\\.[0-9]+)?) secs left|expired)\\)$", EVF_LISTENER, NULL, POST_NONE,
	  "srclimit.c:srclimit_penalty_info_for_tree() logit(\"client %s %s (%llu secs left)\") (10.3+ \"%.3f\") / \"(expired)\" (SIGINFO)"),
	P(GRACE_TIMEOUT, "Timeout before authentication for connection from ",
	  "^Timeout before authentication for connection from (?<addr>" IP "|[^ ,]+)(?: to (?<laddr>" IP "|[^ ,]+))?, pid = (?<pid>[0-9]{1,10})(?: \\((?<detail>.*)\\))?$",
	  EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:child_reap() \"Timeout before authentication for %s, pid = %ld%s\" (9.8+; 9.8 swaps the addresses)"),
	P(CHILD_EXIT, "Session process ",
	  "^Session process (?<pid>[0-9]{1,10}) unpriv child crash for (?<detail>(?:connection from (?<addr>" IP ")(?: to (?<laddr>" IP "))?)?.*)$",
	  EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:child_reap() \"Session process %ld unpriv child crash for %s%s\" (9.8+)"),
	P(CHILD_EXIT, "session process ",
	  "^session process (?<pid>[0-9]{1,10}) for (?<detail>(?:connection from (?<addr>" IP ")(?: to (?<laddr>" IP "))?)?.* killed by signal [0-9]+.*)$",
	  EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:child_reap() \"session process %ld for %s killed by signal %d%s\" (9.8+)"),
	P(DEBUG, "child_reap: ",
	  "^child_reap: preauth child (?<pid>[0-9]{1,10}) for (?:connection from (?<addr>" IP ")(?: to (?<laddr>" IP "))? ?)?(?<detail>.*)$",
	  EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:child_reap() debug_f(\"preauth child %ld for %s exited after ...%s\") (9.8+)"),

	/* ---- 3.2 connection start and banner exchange ---- */
	P(CONNECTION_FROM, "Connection from ",
	  "^Connection from (?<addr>" IP ") port (?<port>" PORT ") on (?<laddr>" IP ") port (?<lport>" PORT ")(?: rdomain \"(?<detail>.*)\")?$",
	  0, NULL, POST_NONE,
	  "sshd.c/sshd-session.c:main() \"Connection from %s port %d on %s port %d%s%s%s\" (7.4-7.6 without rdomain)"),
	PN(TIMED_OUT, "Connection from ", " timed out",
	  "^Connection (?:from|to) " CONNID " timed out$", 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Connection %s %s timed out\""),
	PN(PROTOCOL_ERROR, "Connection from ", " with IP opts: ",
	  "^Connection from (?<addr>" IP ") port (?<port>" PORT ") with IP opts: (?<detail>.*)$", 0, NULL, POST_NONE,
	  "sshd.c:check_ip_options() \"Connection from %.100s port %d with IP opts: %.800s\""),
	PN(PROTOCOL_ERROR, "Connection from ", ": refusing non-sftp session",
	  "^Connection from (?<addr>" IP "): (?<detail>refusing non-sftp session)$", 0, NULL, POST_NONE,
	  "session.c:do_child() \"Connection from %s: refusing non-sftp session\""),
	P(PROTOCOL_ERROR, "Connection from ",
	  "^Connection (?:from|to) " CONNID ": (?<detail>.*)$", 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"%s%sConnection %s %s: %s\" without a tag"),
	P(CONNECTION_CLOSED, "Connection closed by ",
	  RE_CONNECTION_CLOSED, 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Connection closed by %s\" (7.4 \"%.200s port %d\"); serverloop.c \"Connection closed by %.100s port %d\""),
	P(CONNECTION_RESET, "Connection reset by ",
	  RE_CONNECTION_RESET, 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Connection reset by %s\""),
	P(BANNER_FAILED, "Connection timed out during banner exchange",
	  "^(?<detail>Connection timed out during banner exchange)$", 0, NULL, POST_NONE,
	  "kex.c:kex_exchange_identification() \"Connection timed out during banner exchange\""),
	P(BANNER_FAILED, "Did not receive identification string from ",
	  "^(?<detail>Did not receive identification string) from (?<addr>" IP ")(?: port (?<port>" PORT "))?$", 0, NULL, POST_NONE,
	  "sshd.c:sshd_exchange_identification() \"Did not receive identification string from %s port %d\" (7.4-7.9)"),
	P(BANNER_FAILED, "Bad protocol version identification '",
	  "^(?<detail>Bad protocol version identification) '(?<reason>.*)' from (?<addr>" IP ") port (?<port>" PORT ")$", 0, NULL, POST_NONE,
	  "sshd.c:sshd_exchange_identification() \"Bad protocol version identification '%.100s' from %s port %d\" (7.4-7.9)"),
	P(BANNER_FAILED, "Bad remote protocol version identification: '",
	  "^(?<detail>Bad remote protocol version identification): '(?<reason>.*)'$", 0, NULL, POST_NONE,
	  "kex.c:kex_exchange_identification() \"Bad remote protocol version identification: '%.100s'\""),
	P(BANNER_FAILED, "Protocol major versions differ",
	  "^(?<detail>Protocol major versions differ)(?: for (?<addr>" IP ") port (?<port>" PORT "))?: (?<reason>.*)$", 0, NULL, POST_NONE,
	  "sshd.c \"Protocol major versions differ for %s port %d: %.200s vs. %.200s\"; kex.c \"Protocol major versions differ: %d vs. %d\""),
	P(BANNER_FAILED, "probed from ",
	  "^(?<detail>probed) from (?<addr>" IP ") port (?<port>" PORT ") with (?<reason>.*)\\.  Don't panic\\.$", 0, NULL, POST_NONE,
	  "kex.c:kex_exchange_identification() \"probed from %s port %d with %s.  Don't panic.\""),
	P(BANNER_FAILED, "scanned from ",
	  "^(?<detail>scanned) from (?<addr>" IP ") port (?<port>" PORT ") with (?<reason>.*)\\.  Don't panic\\.$", 0, NULL, POST_NONE,
	  "kex.c:kex_exchange_identification() \"scanned from %s port %d with %s.  Don't panic.\""),
	PN(BANNER_FAILED, "kex_exchange_identification: client sent invalid protocol identifier ", NULL,
	  "^kex_exchange_identification: (?<detail>client sent invalid protocol identifier) \"(?<reason>.*)\"$", 0, NULL, POST_NONE,
	  "kex.c:kex_exchange_identification() \"client sent invalid protocol identifier \\\"%.256s\\\"\""),
	P(BANNER_FAILED, "kex_exchange_identification: ",
	  RE_KEX_IDENT, 0, NULL, POST_NONE,
	  "kex.c:kex_exchange_identification() \"%s: Connection closed by remote host\", \"read: %.100s\", \"banner line contains invalid characters\", ..."),
	P(BANNER_FAILED, "banner exchange: ",
	  "^banner exchange: Connection (?:from|to) " CONNID ": (?<detail>.*)$", 0, NULL, POST_NONE,
	  "sshd.c:main() sshpkt_fatal(ssh, r, \"banner exchange\") \"%s%sConnection %s %s: %s\" (8.3+)"),

	/* ---- 3.3 key exchange and transport ---- */
	P(NEGOTIATION_FAILED, "Unable to negotiate with ",
	  "^Unable to negotiate with " CONNID ": (?<detail>[^.]*)\\. Their offer: (?<reason>.*)$", 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Unable to negotiate with %s: %s. Their offer: %s\" (7.4 \"%.200s port %d\")"),
	P(NEGOTIATION_FAILED, "Unable to negotiate with ",
	  "^Unable to negotiate with " CONNID ": (?<detail>.*)$", 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() same, truncated at 500 bytes before \"Their offer\""),
	P(PROTOCOL_ERROR, "ssh_dispatch_run_fatal: ",
	  "^ssh_dispatch_run_fatal: Connection (?:from|to) " CONNID ": (?<detail>.*)$", 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"%s%sConnection %s %s: %s\" tag ssh_dispatch_run_fatal"),
	P(PROTOCOL_ERROR, "Bad packet length ",
	  "^(?<detail>Bad packet length [0-9]+\\.)$", 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_read_poll2() \"Bad packet length %u.\""),
	P(PROTOCOL_ERROR, "Corrupted MAC on input",
	  "^(?<detail>Corrupted MAC on input\\.)$", 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_read_poll2() \"Corrupted MAC on input.\""),
	P(PROTOCOL_ERROR, "padding error: ",
	  "^(?<detail>padding error: .*)$", 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_read_poll2() \"padding error: need %d block %d mod %d\""),
	P(PROTOCOL_ERROR, "kex protocol error: ",
	  "^(?<detail>kex protocol error: type [0-9]+ seq [0-9]+)$", 0, NULL, POST_NONE,
	  "kex.c:kex_protocol_error() \"kex protocol error: type %d seq %u\" (7.4-9.5)"),
	P(PROTOCOL_ERROR, "kex_protocol_error: ",
	  "^(?<detail>kex_protocol_error: type [0-9]+ seq [0-9]+)$", 0, NULL, POST_NONE,
	  "kex.c:kex_protocol_error() error_f(\"type %u seq %u\") (9.6+)"),
	P(PROTOCOL_ERROR, "dispatch_protocol_error: ",
	  "^(?<detail>dispatch_protocol_error: type [0-9]+ seq [0-9]+)$", 0, NULL, POST_NONE,
	  "dispatch.c:dispatch_protocol_error() \"dispatch_protocol_error: type %d seq %u\""),
	N(PROTOCOL_ERROR, ": Connection ",
	  "^(?<reason>[A-Za-z0-9_ ]+): Connection (?:from|to) " CONNID ": (?<detail>.*)$", 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"%s%sConnection %s %s: %s\" with any other tag"),

	/* ---- 3.4 user lookup and account refusals ---- */
	P(INVALID_USER, "Invalid user ",
	  RE_INVALID_USER, EVF_INVALID_USER, NULL, POST_NONE,
	  "auth.c:getpwnamallow() \"Invalid user %.100s from %.100s port %d\""),
	P(INVALID_USER, "input_userauth_request: invalid user ",
	  "^input_userauth_request: invalid user (?<user>.*)$", EVF_INVALID_USER, NULL, POST_NONE,
	  "auth2.c:input_userauth_request() \"input_userauth_request: invalid user %s\" (7.4)"),
	P(USER_CHILD, "User child is on pid ",
	  "^User child is on pid (?<pid>[0-9]{1,10})$", 0, NULL, POST_NONE,
	  "sshd.c:privsep_postauth() \"User child is on pid %ld\""),
	PN(NOT_ALLOWED, "User ", " not allowed because ",
	  "^User (?<user>.*) from (?<addr>[^ ]+) not allowed because (?<reason>listed in DenyUsers|not listed in AllowUsers|not in any group|a group is listed in DenyGroups|none of user's groups are listed in AllowGroups)$",
	  0, NULL, POST_NOT_ALLOWED,
	  "auth.c:allowed_user() \"User %.100s from %.100s not allowed because listed in DenyUsers\" / \"not listed in AllowUsers\" / \"not in any group\" / \"a group is listed in DenyGroups\" / \"none of user's groups are listed in AllowGroups\""),
	PN(NOT_ALLOWED, "User ", " does not exist",
	  "^User (?<user>.*) not allowed because shell (?<reason>.*) does not exist$", 0, NOT_ALLOWED_SHELL_MISSING, POST_NONE,
	  "auth.c:allowed_user() \"User %.100s not allowed because shell %.100s does not exist\""),
	PN(NOT_ALLOWED, "User ", " is not executable",
	  "^User (?<user>.*) not allowed because shell (?<reason>.*) is not executable$", 0, NOT_ALLOWED_SHELL_NOEXEC, POST_NONE,
	  "auth.c:allowed_user() \"User %.100s not allowed because shell %.100s is not executable\""),
	PN(NOT_ALLOWED, "User ", " account is locked",
	  "^User (?<user>.*) not allowed because account is locked$", 0, NOT_ALLOWED_LOCKED, POST_NONE,
	  "auth.c:allowed_user() \"User %.100s not allowed because account is locked\""),
	PN(NOLOGIN, "User ", " exists",
	  "^User (?<user>.*) not allowed because (?<detail>/[^ ]*) exists$", 0, NULL, POST_NONE,
	  "session.c:do_nologin() \"User %.100s not allowed because %s exists\""),
	PN(NOT_ALLOWED, "User ", " password has expired (",
	  "^User (?<user>.*) password has expired \\((?<reason>password aged|root forced)\\)$", 0, NOT_ALLOWED_PW_EXPIRED, POST_NONE,
	  "auth-shadow.c:auth_shadow_pwexpired() \"User %.100s password has expired (password aged)\" / \"(root forced)\""),
	P(NOT_ALLOWED, "Account ",
	  "^Account (?<user>.*) has expired$", 0, NOT_ALLOWED_EXPIRED, POST_NONE,
	  "auth-shadow.c:auth_shadow_acctexpired() \"Account %.100s has expired\""),
	PN(AUTHKEYS_NOT_REGULAR, "User ", " is not a regular file",
	  "^User '(?<user>.*)' authorized (?:keys|principals) '(?<detail>.*)' is not a regular file$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_openfile() \"User '%s' %s '%s' is not a regular file\" (9.1+)"),
	PN(AUTHKEYS_NOT_REGULAR, "User ", " is not a regular file",
	  "^User (?<user>[^ ]*) authorized (?:keys|principals) (?<detail>.*) is not a regular file$", 0, NULL, POST_NONE,
	  "auth.c:auth_openfile() \"User %s %s %s is not a regular file\" (7.4-9.0)"),
	P(ADMIN_PROHIBITED, "administratively prohibited connection for ",
	  "^administratively prohibited connection for (?<inv>invalid user )?(?<user>.*) from (?<addr>" IP ") port (?<port>" PORT ")$", 0, NULL, POST_NONE,
	  "monitor.c:mm_answer_pwnamallow() \"administratively prohibited connection for %s%s from %.128s port %d\" (9.9+)"),
	P(SSHD_ERROR, "Login name ",
	  "^(?<detail>Login name (?<user>.*) does not match stored username .*)$", 0, NULL, POST_NONE,
	  "auth.c \"Login name %.100s does not match stored username %.100s\" (7.4-7.9)"),

	/* ---- 3.6 public-key messages ---- */
	P(KEY_FOUND, "Accepted key ",
	  "^Accepted key (?<ktype>" KTYPE ") (?<fp>" FPX ") found at (?<detail>.+)$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_check_authkey_line() \"Accepted key %s %s found at %s\" (7.7+)"),
	P(CERT_FOUND, "Accepted certificate ID ",
	  "^Accepted certificate (?<detail>ID \".*\" (?:\\(serial [0-9]+\\) )?signed by .*)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:user_cert_trusted_ca() \"Accepted certificate ID \\\"%s\\\" (serial %llu) signed by %s CA %s via %s\"; "
	  "auth_check_authkey_line() \"... signed by CA %s %s found at %s\"; auth2-hostbased.c \"... signed by %s CA %s from %s@%s\""),
	P(KEY_FOUND, "Accepted ",
	  "^Accepted (?<ktype>" KTYPE ") public key (?<fp>" FP ") from (?<user>.*)@(?<detail>[^@ ]*)$", 0, NULL, POST_NONE,
	  "auth2-hostbased.c:hostbased_key_allowed() \"Accepted %s public key %s from %s@%s\""),
	/* ---- 3.5 auth_log() ---- */
	AUTHLOG_ROWS(AUTH_ACCEPTED, "Accepted", "auth.c:auth_log()"),
	AUTHLOG_ROWS(AUTH_FAILED, "Failed", "auth.c:auth_log() / auth2-gss.c (10.4+)"),
	AUTHLOG_ROWS(AUTH_POSTPONED, "Postponed", "auth.c:auth_log()"),
	AUTHLOG_ROWS(AUTH_PARTIAL, "Partial", "auth.c:auth_log()"),

	P(STRICTMODES, "Authentication refused: bad ownership or modes for directory ",
	  "^Authentication refused: bad ownership or modes for directory (?<detail>.*)$", EVF_DIR, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_openfile() \"Authentication refused: %s\" + misc.c:safe_path() \"bad ownership or modes for directory %s\""),
	P(STRICTMODES, "Authentication refused: bad ownership or modes for file ",
	  "^Authentication refused: bad ownership or modes for file (?<detail>.*)$", EVF_FILE, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_openfile() \"Authentication refused: %s\" + misc.c:safe_path() \"bad ownership or modes for file %s\""),
	P(AUTHKEYS_NOT_REGULAR, "Authentication refused: ",
	  "^Authentication refused: (?<detail>.*) is not a regular file$", EVF_FILE, NULL, POST_NONE,
	  "misc.c:safe_path() \"%s is not a regular file\" via \"Authentication refused: %s\""),
	P(STRICTMODES, "Authentication refused: realpath ",
	  "^Authentication refused: realpath (?<detail>.*) failed: (?<reason>[^:]*)$", 0, NULL, POST_NONE,
	  "misc.c:safe_path() \"realpath %s failed: %s\" via \"Authentication refused: %s\""),
	P(STRICTMODES, "Authentication refused for ",
	  "^Authentication refused for (?<user>.*): bad owner or modes for (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth.c:check_key_in_hostfiles() \"Authentication refused for %.100s: bad owner or modes for %.200s\""),
	P(STRICTMODES, "Authentication refused",
	  "^Authentication refused(?:: (?<detail>.*)|\\.)$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c \"Authentication refused: %s\" (other safe_path() reasons); Win32 \"Authentication refused.\""),
	P(STRICTMODES, "Bad permissions. ",
	  "^(?<detail>Bad permissions\\. .*)$", EVF_FILE, NULL, POST_NONE,
	  "Win32-OpenSSH \"Bad permissions. Try removing permissions for user: %S\\\\%S (%s) on file %S.\""),
	P(AUTHKEYS_OPEN_FAILED, "Could not open ",
	  "^Could not open (?:user '(?<user>.*)' )?authorized (?:keys|principals) '(?<detail>.*)': (?<reason>[^']*)$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_openfile() \"Could not open user '%s' %s '%s': %s\" (9.1+); auth.c \"Could not open %s '%s': %s\" (7.4-9.0, DEBUG1)"),
	P(AUTHKEYS_OPEN_FAILED, "Could not open ",
	  "^Could not open [^']*'(?<detail>.*)': (?<reason>[^']*)$", 0, NULL, POST_NONE,
	  "Win32 auth_openfile() \"Could not open %s '%s': %s\""),
	P(AUTHKEYS_TRYING_FILE, "trying public key file ",
	  "^trying public key file (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:user_key_allowed2() debug(\"trying public key file %s\")"),
	P(AUTHKEYS_TRYING_FILE, "user_key_allowed2: trying public key file ",
	  "^user_key_allowed2: trying public key file (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:user_key_allowed2() debug(\"%s: trying public key file %s\") (older)"),
	N(AUTHKEYS_OPEN_FAILED, ": glob \"",
	  "^(?:user_key_allowed|match_principals_file): glob \"(?<detail>.*)\" failed$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:user_key_allowed() logit_f(\"glob \\\"%s\\\" failed\") (10.0+)"),
	P(KEY_FOUND, "matching key found: ",
	  "^matching key found: file (?<detail>.*), line (?<reason>[0-9]+) (?<ktype>" KTYPE ") (?<fp>" FP ")$", 0, NULL, POST_FILE_LINE,
	  "auth2-pubkey.c:check_authkeys_file() debug(\"matching key found: file %s, line %lu %s %s\") (7.4-7.6)"),
	P(FROM_REFUSED, "Authentication tried for ",
	  "^Authentication tried for (?<user>.*) with correct key but not from a permitted host \\(host=.*, ip=(?<addr>" IP ")\\)\\.$", 0, NULL, POST_NONE,
	  "auth-options.c \"Authentication tried for %.100s with correct key but not from a permitted host (host=%.200s, ip=%.200s).\" (7.4-7.6)"),
	P(CERT_SOURCE_REFUSED, "Authentication tried for ",
	  "^Authentication tried for (?<user>.*) with valid certificate but not from a permitted host \\(ip=(?<addr>" IP ")\\)\\.$", 0, NULL, POST_NONE,
	  "auth-options.c \"Authentication tried for %.100s with valid certificate but not from a permitted host (ip=%.200s).\" (7.4-7.6)"),
	N(FROM_REFUSED, ": Authentication tried for ",
	  "^(?<reason>.*?): Authentication tried for (?<user>.*) with correct key but not from a permitted host \\(host=.*, ip=(?<addr>" IP "), required=(?<detail>.*)\\)\\.$",
	  0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_authorise_keyopts() \"%s: Authentication tried for %.100s with correct key but not from a permitted host (host=%.200s, ip=%.200s, required=%.200s).\" (7.7+)"),
	N(CERT_SOURCE_REFUSED, ": Authentication tried for ",
	  "^(?<reason>.*?): Authentication tried for (?<user>.*) with valid certificate but not from a permitted source address \\((?<addr>" IP ")\\)\\.$",
	  0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_authorise_keyopts() \"%s: Authentication tried for %.100s with valid certificate but not from a permitted source address (%.200s).\" (7.7+)"),
	N(KEY_FOUND, ": matching ",
	  "^(?<detail>.*?): matching (?:key|CA) found: (?<ktype>" KTYPE ") (?<fp>" FP ")$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_check_authkey_line() debug(\"%s: matching %s found: %s %s\") (7.7+)"),
	N(AUTHKEYS_NO_MATCH, ": advance: ",
	  "^(?<detail>(?<reason>.*?): advance: .*)$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_check_authkey_line() debug2(\"%s: advance: '%s'\")"),
	N(KEY_OPTIONS_BAD, ": bad key options: ",
	  "^(?<detail>.*?): bad key options: (?<reason>.*)$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_check_authkey_line() debug(\"%s: bad key options: %s\")"),
	N(KEY_OPTIONS_REFUSED, ": entry expired at ",
	  "^(?<detail>.*?): (?<reason>entry expired at .*)$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_authorise_keyopts() debug(\"%s: entry expired at %s\") (expiry-time=)"),
	N(DEBUG, ": processed ",
	  "^(?<detail>(?:auth_check_authkeys_file|auth_process_principals): (?<reason>.*): processed [0-9]+/[0-9]+ lines)$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c debug2_f(\"%s: processed %lu/%lu lines\") (logged with or without a match)"),
	P(KEY_OPTIONS_BAD, "Bad options in ",
	  "^Bad options in (?<detail>.*) file, line [0-9]+: (?<reason>.*)$", 0, NULL, POST_NONE,
	  "auth-options.c \"Bad options in %.100s file, line %lu: %.50s\" (7.4-7.6)"),
	/* auth_check_authkey_line()/user_cert_trusted_ca() fail_reason: error("%s", reason)
	 * (7.7-10.0) or error("%s at %s", reason, loc) (10.1+); reason from
	 * sshauthopt_parse()/sshkey_cert_check_authority(). */
	P(KEY_OPTIONS_REFUSED, "Refused by key options",
	  "^Refused by key options(?: at (?<detail>.*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_check_authkey_line() reason \"Refused by key options\" (10.1+ \"%s at %s\")"),
	P(KEY_OPTIONS_BAD, "invalid key option string",
	  "^invalid key option string(?: at (?<detail>.*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkeyfile.c:auth_check_authkey_line() reason \"invalid key option string\" (10.1+ \"%s at %s\")"),
	P(CERT_INVALID, "Certificate invalid: ",
	  "^Certificate invalid: (?<detail>.*?)(?: at (?<reason>/.*))?$", 0, NULL, POST_NONE,
	  "sshkey.c:sshkey_cert_check_authority() \"Certificate invalid: %s\" via error(\"%s\") (10.1+ \"%s at %s\")"),
	P(CERT_INVALID, "Certificate ",
	  "^(?<detail>Certificate (?:lacks principal list|does not contain an authorized principal|has multiple force-command options|critical option .* is not supported|extension .* is not supported|.*))$",
	  0, NULL, POST_NONE,
	  "sshkey.c/auth-options.c \"Certificate lacks principal list\", \"Certificate does not contain an authorized principal\", \"Certificate critical option \\\"%s\\\" is not supported\", ..."),
	P(CERT_INVALID, "Invalid certificate options",
	  "^(?<detail>Invalid certificate options)(?: at (?<reason>.*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c reason \"Invalid certificate options\""),
	P(CERT_INVALID, "Refused by certificate ",
	  "^(?<detail>Refused by certificate (?:principals )?options)(?: at (?<reason>.*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c reason \"Refused by certificate options\" / \"Refused by certificate principals options\""),
	P(CERT_INVALID, "Refusing certificate ID \"",
	  "^Refusing certificate ID \"(?<reason>.*)\" serial=[0-9]+ signed by (?<ktype>" KTYPE ") CA (?<fp>" FP ")(?: via (?:.*?))?: (?<detail>.*)$",
	  0, NULL, POST_CERT_REASON,
	  "auth2-pubkey.c:user_cert_trusted_ca() \"Refusing certificate ID \\\"%s\\\" serial=%llu signed by %s CA %s: %s\" / "
	  "auth2-pubkeyfile.c \"... via %s: %s\" (10.1+)"),
	P(CERT_CA_UNTRUSTED, "CA ",
	  "^CA (?<ktype>" KTYPE ") (?<fp>" FP ") is not listed in (?<detail>.*?)(?:: (?<reason>[^/]*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:user_cert_trusted_ca() debug2_fr(\"CA %s %s is not listed in %s\")"),
	P(CERT_CA_UNTRUSTED, "user_cert_trusted_ca: CA ",
	  "^user_cert_trusted_ca: CA (?<ktype>" KTYPE ") (?<fp>" FP ") is not listed in (?<detail>.*?)(?:: (?<reason>[^/]*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:user_cert_trusted_ca() debug2_fr(\"CA %s %s is not listed in %s\") with function prefix"),
	P(KEY_REVOKED, "Authentication key ",
	  "^Authentication key (?<ktype>" KTYPE ") (?<fp>" FP ") revoked by file (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth.c:auth_key_is_revoked() \"Authentication key %s %s revoked by file %s\""),
	P(KEY_REVOKED, "WARNING: revoked key for ",
	  "^WARNING: revoked key for (?<user>.*) attempted authentication$", 0, NULL, POST_NONE,
	  "auth.c:check_key_in_hostfiles() \"WARNING: revoked key for %s attempted authentication\""),
	P(REVOKED_CHECK_FAILED, "Error checking authentication key ",
	  "^Error checking authentication key (?<ktype>" KTYPE ") (?<fp>" FP ") in revoked keys file (?<detail>.*?): (?<reason>[^/]*)$", 0, NULL, POST_NONE,
	  "auth.c:auth_key_is_revoked() \"Error checking authentication key %s %s in revoked keys file %s: %s\""),
	P(PUBKEY_ALG_REFUSED, "userauth_pubkey: ",
	  "^userauth_pubkey: (?:key type|signature algorithm) (?<detail>[^ ]+) not in PubkeyAccepted(?:KeyTypes|Algorithms)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() \"%s: key type %s not in PubkeyAcceptedKeyTypes\" (7.4-8.4), logit_f(\"key type %s not in PubkeyAcceptedAlgorithms\") (8.5-8.9), "
	  "logit_f(\"signature algorithm %s not in PubkeyAcceptedAlgorithms\") (9.0+)"),
	P(PUBKEY_ALG_REFUSED, "userauth_hostbased: ",
	  "^userauth_hostbased: (?:key type|signature algorithm) (?<detail>[^ ]+) not in HostbasedAccepted(?:KeyTypes|Algorithms)$", 0, NULL, POST_NONE,
	  "auth2-hostbased.c:userauth_hostbased() \"... %s not in HostbasedAcceptedKeyTypes/Algorithms\""),
	P(PUBKEY_ALG_UNSUPPORTED, "userauth_pubkey: unsupported public key algorithm: ",
	  "^userauth_pubkey: unsupported public key algorithm: (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() \"%s: unsupported public key algorithm: %s\""),
	P(PUBKEY_ALG_UNSUPPORTED, "userauth_hostbased: unsupported public key algorithm: ",
	  "^userauth_hostbased: unsupported public key algorithm: (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth2-hostbased.c:userauth_hostbased() \"%s: unsupported public key algorithm: %s\""),
	P(CERT_SIGALG_REFUSED, "userauth_hostbased: certificate signature algorithm ",
	  "^userauth_hostbased: certificate signature algorithm (?<detail>[^ :]+)(?:: (?<reason>.*))?$", 0, NULL, POST_NONE,
	  "auth2-hostbased.c:userauth_hostbased() logit_fr(\"certificate signature algorithm %s\")"),
	P(CERT_SIGALG_REFUSED, "userauth_pubkey: certificate signature algorithm ",
	  "^userauth_pubkey: certificate signature algorithm (?<detail>[^ :]+)(?:: (?<reason>.*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() \"%s: certificate signature algorithm %s: %s\" / logit_fr(\"certificate signature algorithm %s\")"),
	P(RSA_KEY_REFUSED, "refusing ",
	  "^refusing (?<ktype>" KTYPE ") key(?:: (?<detail>.*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() logit_r(r, \"refusing %s key\") (9.1+ RequiredRSASize)"),
	P(RSA_KEY_REFUSED, "userauth_pubkey: refusing ",
	  "^userauth_pubkey: refusing (?<ktype>" KTYPE ") key(?:: (?<detail>.*))?$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() refusing %s key with function prefix"),
	P(RSA_KEY_REFUSED, "Refusing RSA key because ",
	  "^Refusing (?<ktype>RSA) key because (?<detail>client uses unsafe signature scheme)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() \"Refusing RSA key because client uses unsafe signature scheme\" (7.4-9.2)"),
	P(KEY_REUSED, "refusing previously-used ",
	  "^refusing previously-used (?<ktype>" KTYPE ") key$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() \"refusing previously-used %s key\""),
	P(KEY_REUSED, "userauth_pubkey: refusing previously-used ",
	  "^userauth_pubkey: refusing previously-used (?<ktype>" KTYPE ") key$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() \"refusing previously-used %s key\" with function prefix"),
	P(DEBUG, "userauth_pubkey: test whether ",
	  "^userauth_pubkey: (?<detail>test whether pkalg/pkblob are acceptable) for (?<ktype>" KTYPE ") (?<fp>" FPX ")$",
	  0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() debug(\"%s: test whether pkalg/pkblob are acceptable for %s %s\") (7.4-7.6)"),
	P(DEBUG, "test whether pkalg/pkblob are acceptable",
	  "^(?<detail>test whether pkalg/pkblob are acceptable)(?: for (?<ktype>" KTYPE ") (?<fp>" FPX "))?$",
	  0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() debug(\"test whether pkalg/pkblob are acceptable\") (before 7.4; sshd -d)"),
	P(DEBUG, "userauth_pubkey: ",
	  "^userauth_pubkey: (?<method>[a-z0-9@.-]+ )?test pkalg (?<detail>[^ ]+) pkblob (?<ktype>" KTYPE ") (?<fp>" FP ")(?: CA " KTYPE " " FP ")?.*$",
	  0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() debug(\"%s test pkalg %s pkblob %s%s%s\") (8.9+; 7.7-8.4 \"%s: test pkalg ...\")"),
	P(SSHD_ERROR, "userauth_pubkey: ",
	  "^userauth_pubkey: (?<detail>(?:cannot decode key|type mismatch for decoded key|key type mismatch for decoded key).*)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c:userauth_pubkey() error_f(\"cannot decode key: %s\") / \"type mismatch for decoded key ...\""),
	N(PUBKEY_ALG_REFUSED, " is not in permitted list ",
	  "^(?<method>[a-z-]+) key type (?<detail>[^ ]+) is not in permitted list (?<reason>.*)$", 0, NULL, POST_NONE,
	  "monitor.c:key_base_type_match() \"%s key type %s is not in permitted list %s\" (8.0+)"),
	P(FIDO_REJECTED, "public key ",
	  "^public key (?<ktype>" KTYPE ")(?: (?<fp>" FP "))? signature for (?<inv>invalid user )?(?<user>.*) from (?<addr>" IP ") port (?<port>" PORT ") rejected: (?<detail>.*?) ?$",
	  0, NULL, POST_NONE,
	  "monitor.c:mm_answer_keyverify() / auth2-pubkey.c \"public key %s %s signature for %s%s from %.128s port %d rejected: user presence (authenticator touch) requirement not met \""),
	P(AUTHKEYS_COMMAND_FAILED, "Authorized",
	  "^(?<detail>Authorized(?:Keys|Principals)Command.*)$", 0, NULL, POST_NONE,
	  "misc.c:exited_cleanly() \"%s %s failed, status %d\" / \"%s path is not absolute\"; auth2-pubkey.c \"AuthorizedKeysCommandUser \\\"%s\\\" not found: %s\", \"... contains invalid quotes\", \"... yielded no arguments\""),
	P(AUTHKEYS_COMMAND_FAILED, "Unsafe Authorized",
	  "^(?<detail>Unsafe Authorized(?:Keys|Principals)Command .*)$", 0, NULL, POST_NONE,
	  "misc.c:subprocess() \"Unsafe %s \\\"%s\\\": %s\""),
	P(AUTHKEYS_COMMAND_FAILED, "Could not stat Authorized",
	  "^(?<detail>Could not stat Authorized(?:Keys|Principals)Command .*)$", 0, NULL, POST_NONE,
	  "misc.c:subprocess() \"Could not stat %s \\\"%s\\\": %s\""),
	P(AUTHKEYS_COMMAND_FAILED, "No user for Authorized",
	  "^(?<detail>No user for Authorized(?:Keys|Principals)Command specified.*)$", 0, NULL, POST_NONE,
	  "auth2-pubkey.c \"No user for AuthorizedKeysCommand specified, skipping\""),

	/* ---- 3.7 PAM (sshd's own) ---- */
	P(PAM_ACCOUNT_REFUSED, "Access denied for user ",
	  "^Access denied for user (?<user>.*) by PAM account configuration$", 0, NULL, POST_NONE,
	  "auth2.c:userauth_finish() fatal \"Access denied for user %s by PAM account configuration\""),
	P(PAM_SESSION_ERROR, "PAM: pam_open_session(): ",
	  "^PAM: pam_open_session\\(\\): (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth-pam.c:do_pam_session() \"PAM: pam_open_session(): %s\""),
	P(PAM_SESSION_ERROR, "PAM: pam_setcred(): ",
	  "^PAM: pam_setcred\\(\\): (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth-pam.c:do_pam_setcred() \"PAM: pam_setcred(): %s\""),
	P(DEBUG, "PAM: password authentication ",
	  "^PAM: password authentication (?<detail>accepted|failed) for (?:an illegal user|(?<user>.*?))(?:: (?<reason>.*))?$", 0, NULL, POST_NONE,
	  "auth-pam.c:sshpam_auth_passwd() debug(\"PAM: password authentication accepted for %.100s\") / \"... failed for %.100s: %s\""),
	P(PAM_SSHD_ERROR, "PAM: ",
	  "^PAM: (?<detail>Have exhausted maximum number of retries for service|.*?) for (?<inv>illegal user )?(?<user>.*) from (?<addr>[^ ]*)$",
	  0, NULL, POST_NONE,
	  "auth-pam.c:sshpam_query() error(\"PAM: %s for %s%.100s from %.100s\")"),
	P(PAM_OTHER, "PAM: ",
	  "^PAM: (?<detail>.*)$", 0, NULL, POST_NONE,
	  "auth-pam.c other \"PAM: ...\" messages"),
	P(PAM_OTHER, "check_pam_user: ",
	  "^check_pam_user: (?<detail>PAM user \"(?<user>.*)\" does not match previous \".*\")$", 0, NULL, POST_NONE,
	  "auth-pam.c:check_pam_user() error_f(\"PAM user \\\"%s\\\" does not match previous \\\"%s\\\"\") (10.3+)"),
	P(PAM_MORE_FAILURES, "PAM ",
	  RE_PAM_MORE, 0, NULL, POST_NONE,
	  "pam_unix/support.c:_cleanup_failures() \"PAM %d more authentication failure%s; logname=%s uid=%d euid=%d tty=%s ruser=%s rhost=%s %s%s\""),
	/* Linux-PAM module lines "module(service:stack): text" (libpam pam_vsyslog) */
	PN(PAM_AUTH_FAILURE, "pam_unix(", "): authentication failure;",
	  RE_PAM_AUTH_FAILURE, 0, NULL, POST_NONE,
	  "pam_unix/support.c:_unix_verify_password() \"authentication failure; logname=%s uid=%d euid=%d tty=%s ruser=%s rhost=%s %s%s\""),
	PN(PAM_USER_UNKNOWN, "pam_unix(", "): check pass; user unknown",
	  RE_PAM_USER_UNKNOWN, 0, NULL, POST_NONE,
	  "pam_unix/support.c:_unix_blankpasswd()/_unix_verify_password() \"check pass; user unknown\""),
	PN(PAM_ACCOUNT_EXPIRED, "pam_unix(", " has expired (account expired)",
	  "^pam_unix\\([^():]*:account\\): account (?<user>.*) has expired \\((?<detail>account expired)\\)$", 0, NULL, POST_NONE,
	  "pam_unix/pam_unix_acct.c \"account %s has expired (account expired)\""),
	PN(PAM_PASSWORD_EXPIRED, "pam_unix(", "): expired password for user ",
	  "^pam_unix\\([^():]*:account\\): expired password for user (?<user>.*) \\((?<detail>root enforced|password aged)\\)$", 0, NULL, POST_NONE,
	  "pam_unix/pam_unix_acct.c \"expired password for user %s (root enforced)\" / \"(password aged)\""),
	PN(PAM_SESSION_OPENED, "pam_unix(", "): session opened for user ",
	  "^pam_unix\\([^():]*:session\\): session opened for user (?<user>.*?)(?:\\(uid=[0-9]+\\))? by (?<detail>.*)$", 0, NULL, POST_NONE,
	  "pam_unix/pam_unix_sess.c \"session opened for user %s(uid=%s) by %s(uid=%lu)\" (Linux-PAM >= 1.4; older \"session opened for user %s by %s(uid=%lu)\")"),
	PN(PAM_SESSION_CLOSED, "pam_unix(", "): session closed for user ",
	  "^pam_unix\\([^():]*:session\\): session closed for user (?<user>.*)$", 0, NULL, POST_NONE,
	  "pam_unix/pam_unix_sess.c \"session closed for user %s\""),
	P(PAM_ACCESS_DENIED, "pam_access(",
	  "^pam_access\\([^():]*:[a-z]+\\): access denied for user `(?<user>.*)' from `(?<addr>.*)'$", 0, NULL, POST_NONE,
	  "pam_access/pam_access.c \"access denied for user `%s' from `%s'\""),
	P(PAM_FAILLOCK, "pam_faillock(",
	  "^pam_faillock\\([^():]*:[a-z]+\\): (?<detail>Consecutive login failures for user (?<user>.*) account temporarily locked)$", 0, NULL, POST_NONE,
	  "pam_faillock/pam_faillock.c \"Consecutive login failures for user %s account temporarily locked\""),
	P(PAM_FAILLOCK, "pam_faillock(",
	  "^pam_faillock\\([^():]*:[a-z]+\\): (?<detail>.*)$", 0, NULL, POST_NONE,
	  "pam_faillock/pam_faillock.c other messages"),
	N(PAM_OTHER, "(",
	  "^(?<reason>[A-Za-z0-9_.-]+\\([^()]*:[a-z]+\\)): (?<detail>.*)$", 0, NULL, POST_NONE,
	  "libpam pam_vsyslog() \"%s(%s:%s): \" + any module text"),

	/* ---- 3.8 root login ---- */
	P(ROOT_REFUSED, "ROOT LOGIN REFUSED FROM ",
	  "^ROOT LOGIN REFUSED FROM (?<addr>" IP ") port (?<port>" PORT ")$", 0, NULL, POST_NONE,
	  "auth.c:auth_root_allowed() \"ROOT LOGIN REFUSED FROM %.200s port %d\""),
	P(SSHD_ERROR, "Root login accepted for forced command",
	  "^(?<detail>Root login accepted for forced command)\\.?$", 0, NULL, POST_NONE,
	  "auth.c:auth_root_allowed() \"Root login accepted for forced command.\""),

	/* ---- 3.9 too many attempts, disconnects and closes ---- */
	P(MAX_AUTH_TRIES, "maximum authentication attempts exceeded for ",
	  RE_MAX_AUTH_TRIES, 0, NULL, POST_NONE,
	  "auth.c:auth_maxtries_exceeded() \"maximum authentication attempts exceeded for %s%.100s from %.200s port %d ssh2\""),
	PN(PROTOCOL_ERROR, "Disconnecting ", ": multiple KEXINIT received from peer",
	  "^Disconnecting " CONNID ": (?<detail>multiple KEXINIT received from peer)$", 0, NULL, POST_NONE,
	  "kex.c \"Disconnecting %s: multiple KEXINIT received from peer\" via ssh_packet_disconnect() (10.4+)"),
	/* Known reasons first so a user name in "Change of username..." cannot move the address. */
	P(DISCONNECTING, "Disconnecting ",
	  "^Disconnecting " CONNID ": (?<detail>Too many authentication failures|no authentication methods enabled|"
	  "Change of username or service not allowed: \\(.*|bad service request .*|strict KEX violation: .*)$", 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_disconnect() \"Disconnecting %s: %.100s\" (7.5+), known reasons"),
	P(DISCONNECTING, "Disconnecting ",
	  "^Disconnecting " CONNID ": (?<detail>.*)$", 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_disconnect() \"Disconnecting %s: %.100s\" (7.5+)"),
	P(DISCONNECTING, "Disconnecting: ",
	  "^Disconnecting: (?<detail>.*)$", 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_disconnect() \"Disconnecting: %.100s\" (7.4)"),
	P(RECEIVED_DISCONNECT, "Received disconnect from ",
	  RE_RECEIVED_DISCONNECT, 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_read_poll_seqnr() \"Received disconnect from %s port %d:%u: %.400s\""),
	P(DISCONNECTED, "Disconnected from ",
	  RE_DISCONNECTED, 0, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Disconnected from %s\" (7.4 \"%.200s port %d\")"),

	/* ---- 3.10 after authentication ---- */
	P(READ_ERROR, "Read error from remote host ",
	  "^Read error from remote host " CONNID ": (?<detail>.*)$", 0, NULL, POST_NONE,
	  "serverloop.c:process_input() \"Read error from remote host %s port %d: %s\""),
	P(TIMED_OUT, "Timeout, client not responding",
	  "^(?<detail>Timeout, client not responding)(?: from " CONNID "|\\.)$", 0, NULL, POST_NONE,
	  "serverloop.c:client_alive_check() \"Timeout, client not responding from %s\" (7.4-7.6 \"Timeout, client not responding.\")"),
	P(TIMED_OUT, "terminating inactive connection from ",
	  "^(?<detail>terminating inactive connection) from " CONNID "$", 0, NULL, POST_NONE,
	  "serverloop.c:server_loop2() \"terminating inactive connection from %s\" (9.2+)"),
	P(GRACE_TIMEOUT, "Timeout before authentication for ",
	  "^Timeout before authentication for (?<addr>" IP ") port (?<port>" PORT ")$", 0, NULL, POST_NONE,
	  "sshd.c:grace_alarm_handler() sigdie(\"Timeout before authentication for %s port %d\") (7.4-9.7)"),
	P(SESSION_START, "Starting session: ",
	  "^Starting session: (?<detail>.*) for (?<user>[^ ]*) from (?<addr>" IP ") port (?<port>" PORT ") id [0-9]+$", 0, NULL, POST_NONE,
	  "session.c:do_exec() \"Starting session: %s%s%s for %s from %.200s port %d id %d\""),
	P(SESSION_CLOSE, "Close session: ",
	  "^Close session: user (?<user>.*) from (?<addr>" IP ") port (?<port>" PORT ") id (?<detail>[0-9]+)$", 0, NULL, POST_NONE,
	  "session.c:session_close() \"Close session: user %s from %.200s port %d id %d\""),
	P(TRANSFERRED, "Transferred: ",
	  "^Transferred: (?<detail>sent [0-9]+, received [0-9]+ bytes)$", 0, NULL, POST_NONE,
	  "sshd.c:main() \"Transferred: sent %llu, received %llu bytes\""),
	P(TRANSFERRED, "Closing connection to ",
	  "^Closing connection to (?<addr>" IP ") port (?<port>" PORT ")$", 0, NULL, POST_NONE,
	  "sshd.c:main() \"Closing connection to %.500s port %d\""),
	P(CHROOT_BAD_OWNERSHIP, "bad ownership or modes for chroot directory ",
	  "^bad ownership or modes for chroot directory (?:component )?\"(?<detail>.*)\"$", 0, NULL, POST_NONE,
	  "session.c:safely_chroot() \"bad ownership or modes for chroot directory component \\\"%s\\\"\" / \"... directory \\\"%s\\\"\""),
	P(SESSION_FATAL, "chroot",
	  "^(?<detail>chroot(?: path .*|\\(\".*\"\\): .*))$", 0, NULL, POST_NONE,
	  "session.c:safely_chroot() \"chroot path does not begin at root\", \"chroot path %s\\\"%s\\\" is not a directory\", \"chroot(\\\"%s\\\"): %s\""),
	P(SESSION_FATAL, "safely_chroot: ",
	  "^(?<detail>safely_chroot: .*)$", 0, NULL, POST_NONE,
	  "session.c:safely_chroot() fatal_f(\"stat(\\\"%s\\\"): %s\")"),
	P(SESSION_FATAL, "Unable to chdir to chroot path ",
	  "^(?<detail>Unable to chdir to chroot path .*)$", 0, NULL, POST_NONE,
	  "session.c:safely_chroot() \"Unable to chdir to chroot path \\\"%s\\\": %s\""),
	P(SESSION_FATAL, "server lacks privileges to chroot",
	  "^(?<detail>server lacks privileges to chroot.*)$", 0, NULL, POST_NONE,
	  "session.c:do_setusercontext() \"server lacks privileges to chroot to ChrootDirectory\""),
	P(SESSION_FATAL, "Failed to set uids to ",
	  "^(?<detail>Failed to set uids to [0-9]+\\.?)$", 0, NULL, POST_NONE,
	  "session.c:do_setusercontext() \"Failed to set uids to %u.\""),
	P(SESSION_FATAL, "set_id(",
	  "^(?<detail>set_id\\((?<user>.*)\\) Failed)$", 0, NULL, POST_NONE,
	  "session.c:do_setusercontext() \"set_id(%s) Failed\""),
	P(SESSION_FATAL, "setsid failed: ",
	  "^(?<detail>setsid failed: .*)$", 0, NULL, POST_NONE,
	  "session.c:do_exec_no_pty() \"setsid failed: %.100s\""),
	P(SESSION_FATAL, "Too many lines in environment file ",
	  "^(?<detail>Too many lines in environment file .*)$", 0, NULL, POST_NONE,
	  "session.c:read_environment_file() \"Too many lines in environment file %s\""),
	P(SESSION_FATAL, "subsystem request for ",
	  "^(?<detail>subsystem request for .* by user (?<user>.*) failed, .*)$", 0, NULL, POST_NONE,
	  "session.c:session_subsystem_req() \"subsystem request for %.100s by user %s failed, subsystem not found\" (10.4+ \"failed, %s\")"),
	P(SESSION_FATAL, "session_",
	  "^(?<detail>session_(?:pty_req|subsystem_req|exec_req|shell_req|input_channel_req): .*)$", 0, NULL, POST_NONE,
	  "session.c session_*_req() errors"),
	P(SESSION_FATAL, "do_exec",
	  "^(?<detail>do_exec(?:_no_pty|_pty)?: .*)$", 0, NULL, POST_NONE,
	  "session.c:do_exec_no_pty()/do_exec_pty() errors"),
	P(SSHD_ERROR, "Changed root directory to ",
	  "^(?<detail>Changed root directory to \"(?<reason>.*)\")$", 0, NULL, POST_NONE,
	  "session.c:do_setusercontext() verbose(\"Changed root directory to \\\"%s\\\"\") (informational, generic kind)"),

	/* ---- lines cut at 500 bytes before the connection id (escaped user names
	 * grow up to 4x): keep kind, preamble and the user prefix; no address ---- */
	P(CONNECTION_CLOSED, "Connection closed by ",
	  "^Connection closed by (?<pre>authenticating ?user|invalid user|user) (?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Connection closed by %s\" truncated"),
	P(CONNECTION_RESET, "Connection reset by ",
	  "^Connection reset by (?<pre>authenticating ?user|invalid user|user) (?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Connection reset by %s\" truncated"),
	P(DISCONNECTED, "Disconnected from ",
	  "^Disconnected from (?<pre>authenticating ?user|invalid user|user) (?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"Disconnected from %s\" truncated"),
	P(DISCONNECTING, "Disconnecting ",
	  "^Disconnecting (?<pre>authenticating ?user|invalid user|user) (?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "packet.c:ssh_packet_disconnect() \"Disconnecting %s: %.100s\" truncated"),
	P(PROTOCOL_ERROR, "ssh_dispatch_run_fatal: ",
	  "^ssh_dispatch_run_fatal: Connection (?:from|to) (?<pre>authenticating ?user|invalid user|user) (?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "packet.c:sshpkt_vfatal() \"%s%sConnection %s %s: %s\" truncated"),
	P(INVALID_USER, "Invalid user ",
	  "^Invalid user (?<user>.*)$", PF_TRUNCATED | EVF_INVALID_USER, NULL, POST_NONE,
	  "auth.c:getpwnamallow() \"Invalid user %.100s from %.100s port %d\" truncated"),
	P(MAX_AUTH_TRIES, "maximum authentication attempts exceeded for ",
	  "^maximum authentication attempts exceeded for (?<inv>invalid user )?(?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "auth.c:auth_maxtries_exceeded() truncated"),
	P(AUTH_FAILED, "Failed ",
	  "^Failed (?<method>[^ ]+) for (?<inv>invalid user )?(?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "auth.c:auth_log() truncated"),
	P(AUTH_POSTPONED, "Postponed ",
	  "^Postponed (?<method>[^ ]+) for (?<inv>invalid user )?(?<user>.*)$", PF_TRUNCATED, NULL, POST_NONE,
	  "auth.c:auth_log() truncated"),

	/* ---- misc recognised-but-generic ---- */
	P(SSHD_ERROR, "password change not supported",
	  "^(?<detail>password change not supported)$", 0, NULL, POST_NONE,
	  "auth2-passwd.c:userauth_passwd() \"password change not supported\""),
	P(SSHD_ERROR, "GSSAPI MIC check failed",
	  "^(?<detail>GSSAPI MIC check failed)$", 0, NULL, POST_NONE,
	  "auth2-gss.c:input_gssapi_mic() \"GSSAPI MIC check failed\""),
	/* ---- canohost.c:remote_hostname() with UseDNS yes (monitor, INFO) ---- */
	P(SSHD_ERROR, "Nasty PTR record \"",
	  "^(?<detail>Nasty PTR record \"(?<reason>.*)\" is set up for (?<addr>" IP "), ignoring)$", 0, NULL, POST_NONE,
	  "canohost.c:remote_hostname() logit(\"Nasty PTR record \\\"%s\\\" is set up for %s, ignoring\")"),
	P(SSHD_ERROR, "reverse mapping checking getaddrinfo for ",
	  "^(?<detail>reverse mapping checking getaddrinfo for (?<reason>.*) \\[(?<addr>" IP ")\\] failed(?:\\.| - POSSIBLE BREAK-IN ATTEMPT!))$", 0, NULL, POST_NONE,
	  "canohost.c:remote_hostname() logit(\"reverse mapping checking getaddrinfo for %.700s [%s] failed.\") (older: \" - POSSIBLE BREAK-IN ATTEMPT!\")"),
	P(SSHD_ERROR, "Address ",
	  "^(?<detail>Address (?<addr>" IP ") maps to (?<reason>.*), but this does not map back to the address(?:\\.| - POSSIBLE BREAK-IN ATTEMPT!))$", 0, NULL, POST_NONE,
	  "canohost.c:remote_hostname() logit(\"Address %.100s maps to %.600s, but this does not map back to the address.\") (older: \" - POSSIBLE BREAK-IN ATTEMPT!\")"),

	/* ---- other INFO/VERBOSE lines of 7.4-10.5 (generic kinds; checked
	 * against every logit()/verbose() format of the server sources) ---- */
	P(PROTOCOL_ERROR, "Finished discarding for ",
	  "^(?<detail>Finished discarding) for (?<addr>" IP ") port (?<port>" PORT ")$", 0, NULL, POST_NONE,
	  "packet.c:ssh_packet_stop_discard() logit(\"Finished discarding for %.200s port %d\")"),
	P(BANNER_FAILED, "Could not write ident string to ",
	  "^(?<detail>Could not write ident string) to (?<addr>" IP ") port (?<port>" PORT ")$", 0, NULL, POST_NONE,
	  "sshd.c:sshd_exchange_identification() logit(\"Could not write ident string to %s port %d\") (7.4-7.9)"),
	N(PROTOCOL_ERROR, " seqnr wraps around",
	  "^(?<detail>(?:incoming|outgoing) seqnr wraps around)$", 0, NULL, POST_NONE,
	  "packet.c logit(\"incoming seqnr wraps around\") / \"outgoing ...\""),
	P(PROTOCOL_ERROR, "dispatch_protocol_ignore: ",
	  "^(?<detail>dispatch_protocol_ignore: type [0-9]+ seq [0-9]+)$", 0, NULL, POST_NONE,
	  "dispatch.c:dispatch_protocol_ignore() logit(\"dispatch_protocol_ignore: type %d seq %u\")"),
	P(SSHD_ERROR, "Client version \"",
	  "^(?<detail>Client version \".*\" uses unsafe RSA signature scheme; disabling use of RSA keys)$", 0, NULL, POST_NONE,
	  "sshd.c:sshd_exchange_identification() logit(\"Client version \\\"%.100s\\\" uses unsafe RSA signature scheme; disabling use of RSA keys\") (7.4-7.9)"),
	P(SSHD_ERROR, "Remote version \"",
	  "^(?<detail>Remote version \".*\" uses unsafe RSA signature scheme; disabling use of RSA keys)$", 0, NULL, POST_NONE,
	  "kex.c:kex_exchange_identification() logit(\"Remote version \\\"%.100s\\\" uses unsafe RSA signature scheme; ...\") (8.0-9.2)"),
	P(SSHD_ERROR, "Exiting on signal ",
	  "^(?<detail>Exiting on signal [0-9]+)$", 0, NULL, POST_NONE,
	  "serverloop.c:server_loop2() logit(\"Exiting on signal %d\") (7.4-9.2)"),
	P(SSHD_ERROR, "refused ",
	  "^(?<detail>refused (?:local|streamlocal) port forward): originator (?<addr>" IP ") port (?<port>" PORT "), target (?<reason>.*)$", 0, NULL, POST_NONE,
	  "serverloop.c:server_request_direct_tcpip() logit(\"refused local port forward: originator %s port %d, target %s port %d\") / streamlocal"),
	P(SSHD_ERROR, "Rhosts authentication refused for ",
	  "^(?<detail>Rhosts authentication refused for (?<user>.*?): .*)$", 0, NULL, POST_NONE,
	  "auth-rhosts.c:auth_rhosts2() logit(\"Rhosts authentication refused for %.100s: ...\")"),
	PN(AUTHKEYS_NOT_REGULAR, "User ", " hosts file ",
	  "^User (?<user>[^ ]*) hosts file (?<detail>.*) is not a regular file$", 0, NULL, POST_NONE,
	  "auth-rhosts.c:check_rhosts_file() logit(\"User %s hosts file %s is not a regular file\")"),
	P(SSHD_ERROR, "Excess permission or bad ownership on file ",
	  "^(?<detail>Excess permission or bad ownership on file (?<reason>.*))$", 0, NULL, POST_NONE,
	  "loginrec.c logit(\"Excess permission or bad ownership on file %s\") (wtmp/lastlog)"),
	P(SSHD_ERROR, "Authentication methods list \"",
	  "^(?<detail>Authentication methods list \".*\" contains disabled method, skipping)$", 0, NULL, POST_NONE,
	  "auth2.c:auth2_methods_valid() logit(\"Authentication methods list \\\"%s\\\" contains disabled method, skipping\")"),
	P(SSHD_ERROR, "wrong user name passed to monitor: ",
	  "^(?<detail>wrong user name passed to monitor: expected (?<user>.*) != .*)$", 0, NULL, POST_NONE,
	  "monitor.c:mm_answer_authserv() logit(\"wrong user name passed to monitor: expected %s != %.100s\")"),
	P(SSHD_ERROR, "userauth_gssapi: ",
	  "^(?<detail>userauth_gssapi: .*)$", 0, NULL, POST_NONE,
	  "auth2-gss.c:userauth_gssapi() logit(\"badly formed OID received\") / \"mechanism negotiation is not supported\" / \"too many mechanisms requested %u > %u\""),
	P(SSHD_ERROR, "Writing login record failed for ",
	  "^(?<detail>Writing login record failed) for (?<user>.*)$", 0, NULL, POST_NONE,
	  "loginrec.c:login_write() logit(\"Writing login record failed for %s\")"),
	P(SSHD_ERROR, "Attempt to write login records by non-root user",
	  "^(?<detail>Attempt to write login records by non-root user \\(aborting\\))$", 0, NULL, POST_NONE,
	  "loginrec.c:login_write() logit(\"Attempt to write login records by non-root user (aborting)\")"),
	P(SSHD_ERROR, "utmp", LOGINREC_RE, 0, NULL, POST_NONE, LOGINREC_C),
	P(SSHD_ERROR, "wtmp", LOGINREC_RE, 0, NULL, POST_NONE, LOGINREC_C),
	P(SSHD_ERROR, "lastlog_", LOGINREC_RE, 0, NULL, POST_NONE, LOGINREC_C),
	P(SSHD_ERROR, "syslogin_", LOGINREC_RE, 0, NULL, POST_NONE, LOGINREC_C),
	P(SSHD_ERROR, "getgrouplist: groups list too small",
	  "^(?<detail>getgrouplist: groups list too small)$", 0, NULL, POST_NONE,
	  "groupaccess.c:ga_init() logit(\"getgrouplist: groups list too small\") (7.4-7.6)"),
	N(MAXSTARTUPS, " active startups",
	  "^(?<detail>[0-9]+ active startups)$", EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:show_info() logit(\"%d active startups\") (9.8+, SIGINFO)"),
	P(MAXSTARTUPS, "child ",
	  "^(?<detail>child [0-9]+: fd=-?[0-9]+ pid=-?[0-9]+.*)$", EVF_LISTENER, NULL, POST_NONE,
	  "sshd.c:show_info() logit(\"child %d: fd=%d pid=%ld %s%s\") (9.8+, SIGINFO)"),
	P(SERVER_SIGNAL, "sshd: no hostkeys available",
	  "^(?<detail>sshd: no hostkeys available -- exiting\\.)$", 0, NULL, POST_NONE,
	  "sshd.c:main() logit(\"sshd: no hostkeys available -- exiting.\")"),
	P(SERVER_SIGNAL, "RESTART FAILED: ",
	  "^(?<detail>RESTART FAILED: .*)$", 0, NULL, POST_NONE,
	  "sshd.c:sighup_restart() logit(\"RESTART FAILED: av[0]='%.100s', error: %.100s.\")"),
	P(SERVER_SIGNAL, "-r option is deprecated",
	  "^(?<detail>-r option is deprecated)$", 0, NULL, POST_NONE,
	  "sshd.c:main() logit(\"-r option is deprecated\") (9.8+)"),

	/* ---- 10.x (openssh-messages.md "Added in 10.x") ---- */
	P(SSHD_ERROR, "mm_reap: ",
	  "^mm_reap: (?<detail>(?:preauth )?child terminated (?:by signal (?<code>[0-9]{1,4})|abnormally \\(status=0x[0-9a-f]+\\)))$", 0, NULL, POST_NONE,
	  "monitor.c:mm_reap() error_f(\"preauth child terminated by signal %d\") (9.8-10.0), \"child terminated by signal %d\" / \"... abnormally (status=0x%x)\" (10.1+)"),
	N(SSHD_ERROR, "RekeyLimit exceeded before authentication completed",
	  "^(?:[a-z_0-9]+: )?(?<detail>RekeyLimit exceeded before authentication completed)$", 0, NULL, POST_NONE,
	  "packet.c error(\"RekeyLimit exceeded before authentication completed\") (10.3+)"),
	N(PROTOCOL_ERROR, " received from peer during key exchange",
	  "^(?:[a-z_0-9]+: )?(?<detail>non-transport message [0-9]+ received from peer during key exchange)$", 0, NULL, POST_NONE,
	  "kex.c error(\"non-transport message %u received from peer during key exchange\") (10.4+)"),
	N(SSHD_ERROR, "getgrouplist(\"",
	  "^(?:[a-z_0-9]+: )?(?<detail>getgrouplist\\(\"(?<user>.*)\", -?[0-9]+\\): failed)$", 0, NULL, POST_NONE,
	  "groupaccess.c:ga_init() error(\"getgrouplist(\\\"%s\\\", %ld): failed\") (10.1+): AllowGroups/DenyGroups cannot be judged"),
	N(SSHD_ERROR, "Could not connect to agent \"",
	  "^(?:[a-z_0-9]+: )?(?<detail>Could not connect to agent) \"(?<reason>.*)\"(?:: .*)?$", 0, NULL, POST_NONE,
	  "sshd-session.c/sshd-auth.c error(\"Could not connect to agent \\\"%s\\\"\") (+ \": %s\") (10.0+, HostKeyAgent)"),
	/* patched builds (obfuscated-openssh): keep the address */
	N(PROTOCOL_ERROR, "bfuscat",
	  "^(?<detail>.*?[Oo]bfuscat.*?)(?: from| by| for)? (?<addr>" IP ") port (?<port>" PORT ")(?::? (?<reason>.*))?$", 0, NULL, POST_NONE,
	  "obfuscated-openssh patch: \"... obfuscated handshake ... %s port %d ...\""),
	P(SSHD_ERROR, "userauth_hostbased mismatch: ",
	  "^(?<detail>userauth_hostbased mismatch: .*)$", 0, NULL, POST_NONE,
	  "auth2-hostbased.c:hostbased_key_allowed() \"userauth_hostbased mismatch: client sends %s, but we resolve %s to %s\""),

	/* ---- INFO lines of the authentication path still unread in issue 12's
	 * survey (docs/unrecognised-messages.md): recognised, generic kind ---- */
	P(SSHD_ERROR, "Badly formed OID received",
	  "^(?<detail>Badly formed OID received)$", 0, NULL, POST_NONE,
	  "auth2-gss.c:userauth_gssapi() logit(\"Badly formed OID received\") (7.4-9.2; later \"userauth_gssapi: badly formed OID received\")"),
	P(SSHD_ERROR, "Authorized to ",
	  "^(?<detail>Authorized to (?<user>.*), krb5 principal .* \\(krb5_kuserok\\))$", 0, NULL, POST_NONE,
	  "gss-serv-krb5.c:ssh_gssapi_krb5_userok() logit(\"Authorized to %s, krb5 principal %s (krb5_kuserok)\")"),
	P(SSHD_ERROR, "krb5_parse_name(): ",
	  "^(?<detail>krb5_parse_name\\(\\): .*)$", 0, NULL, POST_NONE,
	  "gss-serv-krb5.c:ssh_gssapi_krb5_userok() logit(\"krb5_parse_name(): %.100s\"): GSSAPI user check fails"),
	P(SSHD_ERROR, "Cannot initialize krb5 context",
	  "^(?<detail>Cannot initialize krb5 context)$", 0, NULL, POST_NONE,
	  "gss-serv-krb5.c:ssh_gssapi_krb5_init() logit(\"Cannot initialize krb5 context\"): GSSAPI user check fails"),
	P(SSHD_ERROR, "Login restricted for ",
	  "^(?<detail>Login restricted for (?<user>.*?): .*)$", 0, NULL, POST_NONE,
	  "openbsd-compat/port-aix.c:sys_auth_allowed_user() logit(\"Login restricted for %s: %.100s\") (AIX loginrestrictions: the account is refused)"),
	P(SSHD_ERROR, "Account ",
	  "^(?<detail>Account (?<user>.*) has unsupported auth1 value '.*')$", 0, NULL, POST_NONE,
	  "openbsd-compat/port-aix.c:aix_valid_authentications() logit(\"Account %s has unsupported auth1 value '%s'\")"),
	P(SSHD_ERROR, "Can't retrieve attribute ",
	  "^(?<detail>Can't retrieve attribute (?:SYSTEM|auth1) for (?<user>.*?): .*)$", 0, NULL, POST_NONE,
	  "openbsd-compat/port-aix.c:aix_valid_authentications() logit(\"Can't retrieve attribute SYSTEM for %s: %.100s\") / auth1"),
	P(SSHD_ERROR, "Password can't be changed for user ",
	  "^(?<detail>Password can't be changed for user (?<user>.*?): .*)$", 0, NULL, POST_NONE,
	  "openbsd-compat/port-aix.c:sys_auth_passwd() logit(\"Password can't be changed for user %s: %.100s\")"),
};

#undef P
#undef N

/* auth_event field a named group fills; names may carry a digit suffix
 * ("detail2") for a second group feeding the same field. */
enum field {
	F_USER, F_ADDR, F_PORT, F_LADDR, F_LPORT, F_METHOD, F_KTYPE, F_FP,
	F_DETAIL, F_REASON, F_CODE, F_PID, F_PRE, F_INV,
	_F_MAX,
};

static const char *const field_names[_F_MAX] = {
	[F_USER] = "user", [F_ADDR] = "addr", [F_PORT] = "port", [F_LADDR] = "laddr",
	[F_LPORT] = "lport", [F_METHOD] = "method", [F_KTYPE] = "ktype", [F_FP] = "fp",
	[F_DETAIL] = "detail", [F_REASON] = "reason", [F_CODE] = "code", [F_PID] = "pid",
	[F_PRE] = "pre", [F_INV] = "inv",
};

#define MAX_GROUPS 12
#define NBUCKETS 1024

/* Every prefix is at least 3 bytes long (checked in sshd_parser_new()). */
static inline unsigned
bucket_of(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	return ((unsigned)u[0] * 961u + (unsigned)u[1] * 31u + (unsigned)u[2]) & (NBUCKETS - 1);
}

/* ---- literal matchers ----
 *
 * The most common messages (failed passwords, closes, disconnects, invalid
 * users, pam_unix failures: nine lines in ten of a busy server's log) are
 * read by hand-written matchers before PCRE2. A matcher is bound to one row
 * by the row's exact regex text (natives[]) and is tried in the row's place,
 * so the table's order still decides. It either reads the message exactly as
 * the regex would (same fields, same captured bytes: 1), or gives up (0) and
 * the regex runs; it never says "no match" on its own. Where the regex could
 * backtrack (a user name holding " from 1.2.3.4 port 22", an address that is
 * not one) the matcher gives up. tests/test-sshd-parse.c and the fuzz harness
 * compare both ways on every input they have (sshd-parse-int.h). */

struct capture {
	uint8_t field;          /* enum field */
	size_t off, len;
};

#define MAX_CAPTURES MAX_GROUPS

struct native {
	const char *regex;      /* the row's regex, as in patterns[] */
	/* s[0..n) begins with the row's prefix (pfx bytes). 1: caps filled,
	 * *ncaps of them; 0: give up. */
	int (*match)(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps);
};

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline void
cap(struct capture *caps, unsigned *ncaps, enum field f, size_t off, size_t len)
{
	caps[(*ncaps)++] = (struct capture){ (uint8_t)f, off, len };
}

/* s[0..n) is all of IP4 ("OCTET(\.OCTET){3}"): 0-255, no leading zero. */
static bool
ip4_exact(const char *s, size_t n)
{
	size_t i = 0;

	for (unsigned parts = 1;; parts++) {
		size_t st = i;
		unsigned v = 0;

		while (i < n && i - st < 4 && is_digit(s[i]))
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == st || i - st > 3 || (i - st > 1 && s[st] == '0') || v > 255)
			return false;
		if (i == n)
			return parts == 4;
		if (s[i] != '.' || parts == 4)
			return false;
		i++;
	}
}

/* s[0..n) is all of IP6: "(h{0,4}:){2,7}(h{1,4}|IP4)?(%[A-Za-z0-9_.-]+)?".
 * Every ':' ends a group (the tail and the zone hold none), so the split is
 * unique: 2 to 7 colons, groups of 0-4 hex digits, the tail empty, 1-4 hex
 * digits or an IPv4 address, then the zone. */
static bool
ip6_exact(const char *s, size_t n)
{
	const char *z = memchr(s, '%', n);
	size_t m = z ? (size_t)(z - s) : n, i = 0, st = 0;
	unsigned colons = 0;

	if (z) {
		if (m + 1 == n)
			return false;
		for (size_t k = m + 1; k < n; k++) {
			char c = s[k];

			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) ||
			      c == '_' || c == '.' || c == '-'))
				return false;
		}
	}
	for (i = 0; i < m; i++) {
		if (s[i] != ':')
			continue;
		if (i - st > 4 || ++colons > 7)
			return false;
		for (size_t k = st; k < i; k++)
			if (!is_hex(s[k]))
				return false;
		st = i + 1;
	}
	if (colons < 2)
		return false;
	if (m - st <= 4) {
		for (size_t k = st; k < m; k++)
			if (!is_hex(s[k]))
				return ip4_exact(s + st, m - st);
		return true;
	}
	return ip4_exact(s + st, m - st);
}

static bool
ip_exact(const char *s, size_t n)
{
	return ip4_exact(s, n) || ip6_exact(s, n);
}

/* s[0..n) is all of PORT: 0-65535, no leading zero. */
static bool
port_exact(const char *s, size_t n)
{
	unsigned v = 0;

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535;
}

/* The first " from " in s[lo..n), or SIZE_MAX. */
static size_t
find_from(const char *s, size_t lo, size_t n)
{
	const char *q;

	if (n < lo + 6)
		return SIZE_MAX;
	q = memmem_short(s + lo, n - lo, " from ", 6);
	return q ? (size_t)(q - s) : SIZE_MAX;
}

/* s[lo..n) ends in "ADDR port PORT" (the regex's "(?<addr>IP) port
 * (?<port>PORT)$", the address preceded by a space or at lo): captures
 * addr and port, returns where the address starts, or SIZE_MAX. */
static size_t
tail_addr_port(const char *s, size_t lo, size_t n, struct capture *caps, unsigned *ncaps)
{
	size_t ps = n, a;

	while (ps > lo && is_digit(s[ps - 1]))
		ps--;
	if (ps == n || ps < lo + 6 || memcmp(s + ps - 6, " port ", 6) != 0 || !port_exact(s + ps, n - ps))
		return SIZE_MAX;
	a = ps - 6;
	while (a > lo && s[a - 1] != ' ')
		a--;
	if (!ip_exact(s + a, ps - 6 - a))
		return SIZE_MAX;
	cap(caps, ncaps, F_ADDR, a, ps - 6 - a);
	cap(caps, ncaps, F_PORT, ps, n - ps);
	return a;
}

/* "... from ADDR port PORT" ending s[lo..n), the user greedy before it:
 * returns where " from " starts (the user's end), or SIZE_MAX. */
static size_t
tail_from_addr_port(const char *s, size_t lo, size_t n, struct capture *caps, unsigned *ncaps)
{
	size_t a = tail_addr_port(s, lo, n, caps, ncaps);

	if (a == SIZE_MAX || a < lo + 6 || memcmp(s + a - 6, " from ", 6) != 0)
		return SIZE_MAX;
	return a - 6;
}

/* RE_INVALID_USER: "Invalid user (?<user>.*) from ADDR port PORT$" */
static int
native_invalid_user(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	size_t f = tail_from_addr_port(s, pfx, n, caps, ncaps);

	if (f == SIZE_MAX)
		return 0;
	cap(caps, ncaps, F_USER, pfx, f - pfx);
	return 1;
}

/* RE_MAX_AUTH_TRIES: "... for (?<inv>invalid user )?(?<user>.*) from ADDR port PORT ssh2$" */
static int
native_max_auth_tries(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	size_t u = pfx, f;

	if (n < pfx + 5 || memcmp(s + n - 5, " ssh2", 5) != 0)
		return 0;
	f = tail_from_addr_port(s, pfx, n - 5, caps, ncaps);
	if (f == SIZE_MAX)
		return 0;
	if (n - pfx >= 13 && memcmp(s + pfx, "invalid user ", 13) == 0) {
		u += 13;
		if (f < u)
			return 0;       /* the regex would read it without "invalid user " */
		cap(caps, ncaps, F_INV, pfx, 13);
	}
	cap(caps, ncaps, F_USER, u, f - u);
	return 1;
}

/* CONNID "$" after the prefix: RE_CONNECTION_CLOSED, RE_CONNECTION_RESET,
 * RE_DISCONNECTED. "(?:(?<pre>authenticating ?user|invalid user|user)
 * (?<user>.*) )?ADDR port PORT$": the address is the last word. */
static int
native_connid(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	static const struct {
		const char *text;
		size_t len;
	} pre[] = {
		{ "authenticating user ", 20 }, { "authenticatinguser ", 19 },
		{ "invalid user ", 13 }, { "user ", 5 },
	};
	size_t a = tail_addr_port(s, pfx, n, caps, ncaps);

	if (a == SIZE_MAX)
		return 0;
	if (a == pfx)
		return 1;
	for (size_t i = 0; i < ELEMENTSOF(pre); i++) {
		if (n - pfx < pre[i].len || memcmp(s + pfx, pre[i].text, pre[i].len) != 0)
			continue;
		if (a - 1 < pfx + pre[i].len)
			return 0;
		cap(caps, ncaps, F_PRE, pfx, pre[i].len - 1);
		cap(caps, ncaps, F_USER, pfx + pre[i].len, a - 1 - pfx - pre[i].len);
		return 1;
	}
	return 0;
}

/* RE_KEX_IDENT: the rest is the detail. */
static int
native_rest_detail(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	(void)s;
	cap(caps, ncaps, F_DETAIL, pfx, n - pfx);
	return 1;
}

/* RE_RECEIVED_DISCONNECT: "ADDR port PORT:(?<code>[0-9]{1,10}): ?(?<detail>.*)$" */
static int
native_received_disconnect(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	const char *sp = memchr(s + pfx, ' ', n - pfx);
	size_t e = sp ? (size_t)(sp - s) : n, p, q;

	if (!ip_exact(s + pfx, e - pfx) || n - e < 6 || memcmp(s + e, " port ", 6) != 0)
		return 0;
	for (p = q = e + 6; q < n && is_digit(s[q]); q++)
		;
	if (q == n || s[q] != ':' || !port_exact(s + p, q - p))
		return 0;
	cap(caps, ncaps, F_ADDR, pfx, e - pfx);
	cap(caps, ncaps, F_PORT, p, q - p);
	for (p = ++q; q < n && is_digit(s[q]); q++)
		;
	if (q == p || q - p > 10 || q == n || s[q] != ':')
		return 0;
	cap(caps, ncaps, F_CODE, p, q - p);
	q++;
	if (q < n && s[q] == ' ')
		q++;
	cap(caps, ncaps, F_DETAIL, q, n - q);
	return 1;
}

/* pam_unix's failure tail at s[lo..n): ";.*? rhost=(?<addr>[^ ]*)(?:
 * +user=(?<user>.*))? *$", lo just after the ';'. The first " rhost="
 * must do. */
static int
pam_rhost_tail(const char *s, size_t lo, size_t n, struct capture *caps, unsigned *ncaps)
{
	const char *q = n - lo >= 7 ? memmem_short(s + lo, n - lo, " rhost=", 7) : NULL;
	size_t a, e, k;

	if (!q)
		return 0;
	a = (size_t)(q - s) + 7;
	for (e = a; e < n && s[e] != ' '; e++)
		;
	cap(caps, ncaps, F_ADDR, a, e - a);
	for (k = e; k < n && s[k] == ' '; k++)
		;
	if (k == n)
		return 1;
	if (k == e || n - k < 5 || memcmp(s + k, "user=", 5) != 0)
		return 0;
	cap(caps, ncaps, F_USER, k + 5, n - k - 5);
	return 1;
}

/* "pam_unix([^():]*:auth): " after the prefix "pam_unix(": where the text
 * after it starts, or SIZE_MAX. */
static size_t
pam_unix_auth(const char *s, size_t n, size_t pfx)
{
	size_t i = pfx;

	while (i < n && s[i] != '(' && s[i] != ')' && s[i] != ':')
		i++;
	if (n - i < 8 || memcmp(s + i, ":auth): ", 8) != 0)
		return SIZE_MAX;
	return i + 8;
}

/* RE_PAM_AUTH_FAILURE */
static int
native_pam_auth_failure(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	static const char text[] = "authentication failure;";
	size_t t = pam_unix_auth(s, n, pfx);

	if (t == SIZE_MAX || n - t < sizeof text - 1 || memcmp(s + t, text, sizeof text - 1) != 0)
		return 0;
	return pam_rhost_tail(s, t + sizeof text - 1, n, caps, ncaps);
}

/* RE_PAM_USER_UNKNOWN */
static int
native_pam_user_unknown(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	static const char text[] = "check pass; user unknown";
	size_t t = pam_unix_auth(s, n, pfx);

	if (t == SIZE_MAX || n - t != sizeof text - 1 || memcmp(s + t, text, sizeof text - 1) != 0)
		return 0;
	cap(caps, ncaps, F_DETAIL, t, n - t);
	return 1;
}

/* RE_PAM_MORE: "PAM (?<detail>[0-9]+) more authentication failures?;" + the rhost tail */
static int
native_pam_more(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	static const char text[] = " more authentication failure";
	size_t d = pfx;

	while (d < n && is_digit(s[d]))
		d++;
	if (d == pfx || n - d < sizeof text - 1 || memcmp(s + d, text, sizeof text - 1) != 0)
		return 0;
	cap(caps, ncaps, F_DETAIL, pfx, d - pfx);
	d += sizeof text - 1;
	if (d < n && s[d] == 's')
		d++;
	if (d == n || s[d] != ';')
		return 0;
	return pam_rhost_tail(s, d + 1, n, caps, ncaps);
}

/* "WORD (?<method>[^ ]+) for " of auth_log(): where the user starts, or SIZE_MAX. */
static size_t
authlog_head(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	const char *sp = memchr(s + pfx, ' ', n - pfx);
	size_t m = sp ? (size_t)(sp - s) : n;

	if (m == pfx || n - m < 5 || memcmp(s + m, " for ", 5) != 0)
		return SIZE_MAX;
	cap(caps, ncaps, F_METHOD, pfx, m - pfx);
	return m + 5;
}

/* AUTHLOG_INVALID(word): "... for (?<inv>invalid user )(?<user>.*) from ADDR port PORT ssh2$" */
static int
native_authlog_invalid(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	size_t u = authlog_head(s, n, pfx, caps, ncaps), f;

	if (u == SIZE_MAX || n - u < 13 || memcmp(s + u, "invalid user ", 13) != 0 ||
	    memcmp(s + n - 5, " ssh2", 5) != 0)
		return 0;
	cap(caps, ncaps, F_INV, u, 13);
	u += 13;
	f = tail_from_addr_port(s, u, n - 5, caps, ncaps);
	if (f == SIZE_MAX)
		return 0;
	cap(caps, ncaps, F_USER, u, f - u);
	return 1;
}

/* KTYPE: "[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*|unknown" */
static bool
ktype_exact(const char *s, size_t n)
{
	if (n == 7 && memcmp(s, "unknown", 7) == 0)
		return true;
	if (n == 0 || s[0] < 'A' || s[0] > 'Z' || s[n - 1] == '-')
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];

		if (c == '-' ? s[i - 1] == '-' : !((c >= 'A' && c <= 'Z') || is_digit(c)))
			return false;
	}
	return true;
}

/* The second alternative of FPX, "(?:SHA256|SHA1|SHA384|SHA512|MD5):[^ ,]+",
 * which holds every string the first matches. */
static bool
fpx_exact(const char *s, size_t n)
{
	static const char *const alg[] = { "SHA256:", "SHA1:", "SHA384:", "SHA512:", "MD5:" };

	for (size_t i = 0; i < ELEMENTSOF(alg); i++) {
		size_t l = strlen(alg[i]);

		if (n > l && memcmp(s, alg[i], l) == 0)
			return !memchr(s + l, ' ', n - l) && !memchr(s + l, ',', n - l);
	}
	return false;
}

/* AUTHLOG_VALID(word): the user lazy, so the first " from " must do, and
 * then either nothing after "ssh2", or ": KTYPE FP", ": KTYPE" or ": WORD". */
static int
native_authlog_valid(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps)
{
	size_t u = authlog_head(s, n, pfx, caps, ncaps), f, a, e, p, q, k, sp;

	if (u == SIZE_MAX || (n - u >= 13 && memcmp(s + u, "invalid user ", 13) == 0))
		return 0;
	f = find_from(s, u, n);
	if (f == SIZE_MAX)
		return 0;
	a = f + 6;
	for (e = a; e < n && s[e] != ' '; e++)
		;
	if (!ip_exact(s + a, e - a) || n - e < 6 || memcmp(s + e, " port ", 6) != 0)
		return 0;
	for (p = q = e + 6; q < n && is_digit(s[q]); q++)
		;
	if (!port_exact(s + p, q - p) || n - q < 5 || memcmp(s + q, " ssh2", 5) != 0)
		return 0;
	cap(caps, ncaps, F_USER, u, f - u);
	cap(caps, ncaps, F_ADDR, a, e - a);
	cap(caps, ncaps, F_PORT, p, q - p);
	k = q + 5;
	if (k == n)
		return 1;
	if (n - k < 3 || s[k] != ':' || s[k + 1] != ' ')
		return 0;
	k += 2;
	for (sp = k; sp < n && s[sp] != ' '; sp++)
		;
	if (sp == n) {
		/* one word: a key type, else the second alternative's detail2 */
		cap(caps, ncaps, ktype_exact(s + k, n - k) ? F_KTYPE : F_DETAIL, k, n - k);
		return 1;
	}
	if (!ktype_exact(s + k, sp - k) || !fpx_exact(s + sp + 1, n - sp - 1))
		return 0;
	cap(caps, ncaps, F_KTYPE, k, sp - k);
	cap(caps, ncaps, F_FP, sp + 1, n - sp - 1);
	return 1;
}

#define AUTHLOG_NATIVES(word) \
	{ AUTHLOG_INVALID(word), native_authlog_invalid }, \
	{ AUTHLOG_VALID(word), native_authlog_valid }

static const struct native natives[] = {
	AUTHLOG_NATIVES("Accepted"),
	AUTHLOG_NATIVES("Failed"),
	AUTHLOG_NATIVES("Postponed"),
	AUTHLOG_NATIVES("Partial"),
	{ RE_CONNECTION_CLOSED, native_connid },
	{ RE_CONNECTION_RESET, native_connid },
	{ RE_DISCONNECTED, native_connid },
	{ RE_INVALID_USER, native_invalid_user },
	{ RE_MAX_AUTH_TRIES, native_max_auth_tries },
	{ RE_RECEIVED_DISCONNECT, native_received_disconnect },
	{ RE_KEX_IDENT, native_rest_detail },
	{ RE_PAM_AUTH_FAILURE, native_pam_auth_failure },
	{ RE_PAM_USER_UNKNOWN, native_pam_user_unknown },
	{ RE_PAM_MORE, native_pam_more },
};

struct compiled {
	pcre2_code *code;
	bool jit;
	uint8_t ngroups;
	uint8_t group[MAX_GROUPS];      /* capture group number */
	uint8_t field[MAX_GROUPS];      /* enum field */
	uint16_t prefix_len;
	uint16_t needle_len;
	/* the row's literal matcher (natives[]), or NULL */
	int (*native)(const char *s, size_t n, size_t pfx, struct capture *caps, unsigned *ncaps);
};

struct sshd_parser {
	struct compiled c[ELEMENTSOF(patterns)];
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	/* bucket[h] = indexes of the rows whose prefix's first three bytes hash to
	 * h, in table order, terminated by UINT16_MAX; fallback = rows with only a
	 * needle. */
	uint16_t *bucket[NBUCKETS];
	uint16_t *fallback;
	uint16_t *storage;
	bool regex_only;                /* sshd_parser_set_regex_only() */
};

static int
field_from_name(const char *name)
{
	size_t n = strlen(name);

	while (n > 0 && name[n - 1] >= '0' && name[n - 1] <= '9')
		n--;
	for (int f = 0; f < _F_MAX; f++)
		if (strlen(field_names[f]) == n && memcmp(field_names[f], name, n) == 0)
			return f;
	return -1;
}

static int
compile_one(const struct pattern *pat, struct compiled *c, char **reterr)
{
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t namecount = 0, entrysize = 0;
	PCRE2_SPTR nametable = NULL;

	c->code = pcre2_compile((PCRE2_SPTR)pat->regex, PCRE2_ZERO_TERMINATED,
	    PCRE2_DOLLAR_ENDONLY | PCRE2_DOTALL | PCRE2_NO_AUTO_CAPTURE, &errcode, &erroff, NULL);
	if (!c->code) {
		if (reterr) {
			PCRE2_UCHAR msg[256];
			struct buf b;

			pcre2_get_error_message(errcode, msg, sizeof(msg));
			buf_init(&b);
			if (buf_printf(&b, "pattern '%s' at offset %zu: %s", pat->regex, (size_t)erroff, (const char *)msg) >= 0)
				*reterr = TAKE_PTR(b.data);
			else
				buf_release(&b);
		}
		return -EINVAL;
	}
	/* SSHWHY_PCRE2_NO_JIT: the interpreter, for memory checkers (valgrind
	 * cannot see into JIT code, whose vector reads past the subject's end it
	 * reports as uses of uninitialised memory). Same results, slower. */
	c->jit = !getenv("SSHWHY_PCRE2_NO_JIT") && pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE) == 0;

	pcre2_pattern_info(c->code, PCRE2_INFO_NAMECOUNT, &namecount);
	pcre2_pattern_info(c->code, PCRE2_INFO_NAMEENTRYSIZE, &entrysize);
	pcre2_pattern_info(c->code, PCRE2_INFO_NAMETABLE, &nametable);
	c->ngroups = 0;
	for (uint32_t i = 0; i < namecount; i++) {
		PCRE2_SPTR e = nametable + (size_t)i * entrysize;
		int f = field_from_name((const char *)e + 2);

		if (f < 0 || c->ngroups >= MAX_GROUPS) {
			if (reterr) {
				struct buf b;

				buf_init(&b);
				if (buf_printf(&b, "pattern '%s': bad group name '%s'", pat->regex, (const char *)e + 2) >= 0)
					*reterr = TAKE_PTR(b.data);
				else
					buf_release(&b);
			}
			return -EINVAL;
		}
		c->group[c->ngroups] = (uint8_t)((e[0] << 8) | e[1]);
		c->field[c->ngroups] = (uint8_t)f;
		c->ngroups++;
	}
	c->prefix_len = pat->prefix ? (uint16_t)strlen(pat->prefix) : 0;
	c->needle_len = pat->needle ? (uint16_t)strlen(pat->needle) : 0;
	return 0;
}

int
sshd_parser_new(struct sshd_parser **ret, char **reterr)
{
	_cleanup_(freep) struct sshd_parser *p = NULL;
	size_t total;
	uint16_t *s;
	int r;

	if (!ret)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;

	for (size_t i = 0; i < ELEMENTSOF(patterns); i++) {
		r = compile_one(&patterns[i], &p->c[i], reterr);
		if (r < 0) {
			sshd_parser_free(TAKE_PTR(p));
			return r;
		}
	}
	/* Each literal matcher to the rows of its regex; one that finds none
	 * stands for a row that was changed or removed: a bug, caught here. */
	for (size_t k = 0; k < ELEMENTSOF(natives); k++) {
		bool bound = false;

		for (size_t i = 0; i < ELEMENTSOF(patterns); i++)
			if (streq(patterns[i].regex, natives[k].regex) && patterns[i].prefix &&
			    !(patterns[i].flags & PF_TRUNCATED)) {
				p->c[i].native = natives[k].match;
				bound = true;
			}
		if (!bound) {
			sshd_parser_free(TAKE_PTR(p));
			return -EINVAL;
		}
	}

	/* one array: every bucket and the fallback list, each UINT16_MAX-terminated */
	total = ELEMENTSOF(patterns) + NBUCKETS + 1;
	p->storage = malloc(total * sizeof(uint16_t));
	p->md = pcre2_match_data_create(2 * MAX_GROUPS + 8, NULL);
	p->mctx = pcre2_match_context_create(NULL);
	if (!p->storage || !p->md || !p->mctx) {
		sshd_parser_free(TAKE_PTR(p));
		return -ENOMEM;
	}
	/* Bound backtracking on hostile 64 KiB inputs. */
	pcre2_set_match_limit(p->mctx, 1000000);
	pcre2_set_depth_limit(p->mctx, 10000);

	s = p->storage;
	for (unsigned b = 0; b < NBUCKETS; b++) {
		p->bucket[b] = s;
		for (size_t i = 0; i < ELEMENTSOF(patterns); i++) {
			if (!patterns[i].prefix)
				continue;
			if (p->c[i].prefix_len < 3) {
				sshd_parser_free(TAKE_PTR(p));
				return -EINVAL;
			}
			if (bucket_of(patterns[i].prefix) == b)
				*s++ = (uint16_t)i;
		}
		*s++ = UINT16_MAX;
	}
	p->fallback = s;
	for (size_t i = 0; i < ELEMENTSOF(patterns); i++)
		if (!patterns[i].prefix)
			*s++ = (uint16_t)i;
	*s++ = UINT16_MAX;

	*ret = TAKE_PTR(p);
	return 0;
}

struct sshd_parser *
sshd_parser_free(struct sshd_parser *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(patterns); i++)
		pcre2_code_free(p->c[i].code);
	pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mctx);
	free(p->storage);
	free(p);
	return NULL;
}

int
sshd_ident_match(const char *ident, size_t n)
{
	if (!ident)
		return 0;
	return (n == 4 && memcmp(ident, "sshd", 4) == 0) ||
	       (n == 12 && memcmp(ident, "sshd-session", 12) == 0) ||
	       (n == 9 && memcmp(ident, "sshd-auth", 9) == 0);
}

static bool
has_prefix(const char *s, size_t len, const char *pfx, size_t n)
{
	return len >= n && memcmp(s, pfx, n) == 0;
}

static bool
contains(const char *s, size_t len, const char *ndl, size_t n)
{
	return memmem_short(s, len, ndl, n) != NULL;
}

static bool
has_suffix(const char *s, size_t len, const char *sfx, size_t n)
{
	return len >= n && memcmp(s + len - n, sfx, n) == 0;
}

/* sshd hands syslog() at most 500 bytes (log.c:do_log() "%.500s"). A longer
 * message (a connection id with a long escaped user name, whose backslashes
 * the [preauth] relay doubles) loses its tail, and the cut can fall inside
 * the port ("port 24" of port 2401) or just after it, taking " [preauth]"
 * with it. Such a line still matches its full pattern, so a message of
 * exactly 500 bytes that ends in "port N" without its suffix gives neither
 * address nor port: the connection's other lines have them (found by
 * tests/hostile, case cut-500-inside-port). Longer messages did not come
 * through sshd's syslog() and are taken as they are. */
#define SSHD_SYSLOG_MAX 500

static bool
ends_in_port(const char *s, size_t n)
{
	size_t d = 0;

	while (d < n && s[n - 1 - d] >= '0' && s[n - 1 - d] <= '9')
		d++;
	return d > 0 && has_suffix(s, n - d, " port ", 6);
}

static void
distrust_cut_tail(struct auth_event *ev, const char *s, size_t n, size_t len)
{
	if (len != SSHD_SYSLOG_MAX || (ev->flags & (EVF_PREAUTH | EVF_POSTAUTH)) || !ends_in_port(s, n))
		return;
	ev->addr[0] = '\0';
	ev->port = 0;
}

/* Digits only (the regex guarantees it); saturates instead of overflowing. */
static uint64_t
parse_u64(const char *s, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		if (v > (UINT64_MAX - 9) / 10)
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

/* Copy a captured text field, bounded like strlcpy_n(). sshd never logs a raw
 * NUL (it vis-encodes what clients send), so one in a forged or damaged line
 * would silently cut the C string ("root\0 evil" read as user "root"): it is
 * written the way sshd would have, as \000, and never split at the end. */
static void
copy_text(char *dst, size_t dstsz, const char *s, size_t n)
{
	size_t o = 0;

	if (!memchr(s, '\0', n)) {
		strlcpy_n(dst, dstsz, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t need = s[i] == '\0' ? 4 : 1;

		if (o + need > dstsz - 1)
			break;
		if (s[i] == '\0')
			memcpy(dst + o, "\\000", 4);
		else
			dst[o] = s[i];
		o += need;
	}
	dst[o] = '\0';
}

static void
set_field(struct auth_event *ev, int f, const char *s, size_t n)
{
	uint64_t v;

	switch (f) {
	case F_USER:
		copy_text(ev->user, sizeof(ev->user), s, n);
		break;
	case F_ADDR:
		copy_text(ev->addr, sizeof(ev->addr), s, n);
		break;
	case F_LADDR:
		copy_text(ev->laddr, sizeof(ev->laddr), s, n);
		break;
	case F_METHOD:
		/* "publickey " in "publickey test pkalg" keeps its separator */
		while (n > 0 && s[n - 1] == ' ')
			n--;
		copy_text(ev->method, sizeof(ev->method), s, n);
		break;
	case F_KTYPE:
		copy_text(ev->key_type, sizeof(ev->key_type), s, n);
		break;
	case F_FP:
		copy_text(ev->fingerprint, sizeof(ev->fingerprint), s, n);
		break;
	case F_DETAIL:
		copy_text(ev->detail, sizeof(ev->detail), s, n);
		break;
	case F_REASON:
		copy_text(ev->reason, sizeof(ev->reason), s, n);
		break;
	case F_PORT:
		ev->port = (uint16_t)parse_u64(s, n);  /* regex: 0..65535 */
		break;
	case F_LPORT:
		ev->lport = (uint16_t)parse_u64(s, n);
		break;
	case F_CODE:
		v = parse_u64(s, n);
		ev->code = v > INT32_MAX ? INT32_MAX : (int)v;
		break;
	case F_PID:
		v = parse_u64(s, n);
		ev->ref_pid = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		break;
	case F_PRE:
		if (n >= 14 && memcmp(s, "authenticating", 14) == 0)
			ev->flags |= EVF_PREAMBLE_AUTH;
		else if (n >= 7 && memcmp(s, "invalid", 7) == 0)
			ev->flags |= EVF_INVALID_USER;
		else
			ev->flags |= EVF_PREAMBLE_USER;
		break;
	case F_INV:
		ev->flags |= EVF_INVALID_USER;
		break;
	default:
		break;
	}
}

static void
set_text(char *dst, size_t sz, const char *s)
{
	strlcpy_n(dst, sz, s, strlen(s));
}

static void
set_detail(struct auth_event *ev, const char *s)
{
	strlcpy_n(ev->detail, sizeof(ev->detail), s, strlen(s));
}

static void
post_process(const struct pattern *pat, struct auth_event *ev)
{
	static const struct {
		const char *text;
		const char *code;
	} not_allowed[] = {
		{ "listed in DenyUsers", NOT_ALLOWED_DENYUSERS },
		{ "not listed in AllowUsers", NOT_ALLOWED_ALLOWUSERS },
		{ "not in any group", NOT_ALLOWED_NOGROUP },
		{ "a group is listed in DenyGroups", NOT_ALLOWED_DENYGROUPS },
		{ "none of user's groups are listed in AllowGroups", NOT_ALLOWED_ALLOWGROUPS },
	};
	const char *p;

	switch (pat->post) {
	case POST_NOT_ALLOWED:
		for (size_t i = 0; i < ELEMENTSOF(not_allowed); i++)
			if (streq(ev->reason, not_allowed[i].text)) {
				set_detail(ev, not_allowed[i].code);
				break;
			}
		break;
	case POST_CERT_REASON:
		p = startswith(ev->detail, "Certificate invalid: ");
		if (p)
			memmove(ev->detail, p, strlen(p) + 1);
		break;
	case POST_FILE_LINE: {
		size_t dl = strlen(ev->detail), rl = strlen(ev->reason);

		if (dl + 1 + rl < sizeof(ev->detail)) {
			ev->detail[dl] = ':';
			memcpy(ev->detail + dl + 1, ev->reason, rl + 1);
		}
		ev->reason[0] = '\0';
		break;
	}
	case POST_PENALTY: {
		const char *r = ev->reason;
		uint64_t ms = 0;
		unsigned frac = 0;

		if (!ev->method[0])
			set_text(ev->method, sizeof ev->method, "table-full");
		if (!r[0])
			break;
		for (; *r >= '0' && *r <= '9'; r++)
			ms = ms * 10 + (uint64_t)(*r - '0');
		ms *= 1000;
		if (*r == '.')
			for (r++, frac = 100; *r >= '0' && *r <= '9' && frac > 0; r++, frac /= 10)
				ms += (uint64_t)(*r - '0') * frac;
		ev->code = ms > INT32_MAX ? INT32_MAX : (int)ms;
		break;
	}
	case POST_DROP:
		/* code = the listener's connection counter #N */
		p = startswith(ev->detail, "penalty: ");
		if (p) {
			set_text(ev->method, sizeof ev->method, "penalty");
			set_text(ev->reason, sizeof ev->reason, p);
		} else if (streq(ev->detail, "too many penalised addresses"))
			/* srclimit_penalty_check_allow(): PerSourcePenalties table full, overflow deny-all */
			set_text(ev->method, sizeof ev->method, "penalty");
		else
			set_text(ev->method, sizeof ev->method, "maxstartups");
		break;
	case POST_NONE:
	default:
		break;
	}
	if (pat->detail)
		set_detail(ev, pat->detail);
	if (ev->key_type[0]) {
		size_t n = strlen(ev->key_type);

		if (n > 5 && memcmp(ev->key_type + n - 5, "-CERT", 5) == 0)
			ev->flags |= EVF_CERT;
	}
}

/* Fill ev from row i's captures in s. */
static void
apply_row(size_t i, const char *s, size_t len, const struct capture *caps, unsigned ncaps,
	  struct auth_event *ev)
{
	ev->kind = patterns[i].kind;
	ev->flags |= patterns[i].flags & ~PF_TRUNCATED;
	for (unsigned g = 0; g < ncaps; g++)
		set_field(ev, caps[g].field, s + caps[g].off, caps[g].len);
	post_process(&patterns[i], ev);
	/* A debugN: line only gets a kind that names a cause; catch-all rows
	 * (session_*, "PAM: ...", generic errors) leave it EVENT_DEBUG. */
	if ((ev->flags & EVF_DEBUG) &&
	    (ev->kind == EVENT_PAM_OTHER || ev->kind == EVENT_SESSION_FATAL || ev->kind == EVENT_SSHD_ERROR)) {
		ev->kind = EVENT_DEBUG;
		copy_text(ev->detail, sizeof(ev->detail), s, len);
	}
}

/* 1 matched and filled, 0 no match (also on match-limit errors: hostile input
 * is "unrecognised", not an internal error). */
static int
try_pattern(struct sshd_parser *p, size_t i, const char *s, size_t len, struct auth_event *ev)
{
	const struct compiled *c = &p->c[i];
	struct capture caps[MAX_CAPTURES];
	unsigned ncaps = 0;
	PCRE2_SIZE *ov;
	int rc;

	if (c->native && !p->regex_only && c->native(s, len, c->prefix_len, caps, &ncaps)) {
		apply_row(i, s, len, caps, ncaps, ev);
		return 1;
	}
	if (c->jit)
		rc = pcre2_jit_match(c->code, (PCRE2_SPTR)s, len, 0, 0, p->md, p->mctx);
	else
		rc = pcre2_match(c->code, (PCRE2_SPTR)s, len, 0, 0, p->md, p->mctx);
	if (rc <= 0)
		return 0;

	ov = pcre2_get_ovector_pointer(p->md);
	ncaps = 0;
	for (unsigned g = 0; g < c->ngroups; g++) {
		unsigned n = c->group[g];

		if ((int)n >= rc || ov[2 * n] == PCRE2_UNSET)
			continue;
		caps[ncaps++] = (struct capture){ c->field[g], ov[2 * n], ov[2 * n + 1] - ov[2 * n] };
	}
	apply_row(i, s, len, caps, ncaps, ev);
	return 1;
}

/* The rows for s[0..n) (len: the whole message's length). 1 matched, 0 none. */
static int
match_rows(struct sshd_parser *p, const char *s, size_t n, size_t len, struct auth_event *ret)
{
	const uint16_t *b;

	if (n == 0)
		return 0;
	b = n >= 3 ? p->bucket[bucket_of(s)] : p->fallback;
	for (; n >= 3 && *b != UINT16_MAX; b++) {
		const struct pattern *pat = &patterns[*b];

		if (!has_prefix(s, n, pat->prefix, p->c[*b].prefix_len))
			continue;
		if ((pat->flags & PF_TRUNCATED) && len < 500)
			continue;
		if (pat->needle && !contains(s, n, pat->needle, p->c[*b].needle_len))
			continue;
		if (try_pattern(p, *b, s, n, ret)) {
			distrust_cut_tail(ret, s, n, len);
			return 1;
		}
	}
	for (b = p->fallback; *b != UINT16_MAX; b++) {
		const struct pattern *pat = &patterns[*b];

		if (!contains(s, n, pat->needle, p->c[*b].needle_len))
			continue;
		if (try_pattern(p, *b, s, n, ret)) {
			distrust_cut_tail(ret, s, n, len);
			return 1;
		}
	}
	return 0;
}

/* A place-holder people put where an address was when they share a log:
 * "<sourceIP>", "[TermixIP]", "<ip>", "[REDACTED]". Returns its length at s. */
static size_t
placeholder_len(const char *s, size_t n)
{
	char close;
	size_t i;

	if (n < 3 || (s[0] != '<' && s[0] != '['))
		return 0;
	close = s[0] == '<' ? '>' : ']';
	for (i = 1; i < n && i < 40; i++) {
		char c = s[i];

		if (c == close)
			break;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	if (i < 2 || i >= n || i >= 40 || s[i] != close)
		return 0;
	return i + 1;
}

#define REDACTED_ADDR "0.0.0.0"
#define REWRITE_MAX 2048

/* A second look at a message no row knows, for lines people and relays
 * changed: a place-holder where the address was (read with a stand-in
 * address that is then dropped: never taken as an address), and a line cut
 * inside its port ("port 3>", "port 50...": read without the port). */
static int
match_rewritten(struct sshd_parser *p, const char *s, size_t n, size_t len, struct auth_event *ret)
{
	char buf[REWRITE_MAX];
	size_t o = 0, i;
	bool placeholder = false;
	unsigned flags = ret->flags;

	if (n >= REWRITE_MAX - 16)
		return 0;
	for (i = 0; i < n;) {
		size_t pl = (s[i] == '<' || s[i] == '[') && i > 0 && s[i - 1] == ' ' ? placeholder_len(s + i, n - i) : 0;

		/* room for a stand-in address, and for "0 ssh2" below */
		if (o + sizeof(REDACTED_ADDR) + 8 > sizeof(buf))
			return 0;
		if (pl && (i + pl == n || s[i + pl] == ' ' || s[i + pl] == ':')) {
			memcpy(buf + o, REDACTED_ADDR, sizeof(REDACTED_ADDR) - 1);
			o += sizeof(REDACTED_ADDR) - 1;
			i += pl;
			placeholder = true;
		} else
			buf[o++] = s[i++];
	}
	if (placeholder && match_rows(p, buf, o, o, ret)) {
		if (streq(ret->addr, REDACTED_ADDR))
			ret->addr[0] = '\0';
		return 1;
	}
	/* cut inside the port: " port " digits, then a relay's cut mark */
	{
		size_t d = o, cut = 0;

		if (d >= 1 && buf[d - 1] == '>')
			cut = 1;
		else if (d >= 3 && memcmp(buf + d - 3, "...", 3) == 0)
			cut = 3;
		else if (d >= 3 && memcmp(buf + d - 3, "\xe2\x80\xa6", 3) == 0)
			cut = 3;
		if (!cut)
			return 0;
		d -= cut;
		while (d > 0 && buf[d - 1] >= '0' && buf[d - 1] <= '9')
			d--;
		if (d < 6 || memcmp(buf + d - 6, " port ", 6) != 0)
			return 0;
		/* port 0 is "none"; auth_log() lines end in " ssh2" */
		memcpy(buf + d, "0 ssh2", 6);
		auth_event_clear(ret);
		ret->flags = flags;
		if (match_rows(p, buf, d + 1, d + 1, ret) || match_rows(p, buf, d + 6, d + 6, ret)) {
			ret->port = 0;
			if (placeholder && streq(ret->addr, REDACTED_ADDR))
				ret->addr[0] = '\0';
			return 1;
		}
	}
	return 0;
}

/* Text a row took for an address that is a place-holder ("rhost=<sourceIP>",
 * "from [TermixIP]"): never an address. */
static void
drop_placeholder_addr(struct auth_event *ev)
{
	size_t n = strlen(ev->addr);

	if (n && placeholder_len(ev->addr, n) == n)
		ev->addr[0] = '\0';
}

int
sshd_parse_message(struct sshd_parser *p, const char *msg, size_t len, struct auth_event *ret)
{
	const char *s = msg;
	size_t n = len;
	unsigned flags = 0;

	if (!p || !ret || (!msg && len > 0))
		return -EINVAL;
	auth_event_clear(ret);
	if (!msg)
		msg = s = "";

	/* log.c:do_log() level prefixes (syslog only; optional, §7.8) */
	if (n >= 7 && s[5] == ':' && s[6] == ' ') {
		if (memcmp(s, "error", 5) == 0) {
			flags |= EVF_ERROR;
			s += 7, n -= 7;
		} else if (memcmp(s, "fatal", 5) == 0) {
			flags |= EVF_FATAL;
			s += 7, n -= 7;
		}
	} else if (n >= 8 && memcmp(s, "debug", 5) == 0 && s[5] >= '1' && s[5] <= '3' && s[6] == ':' && s[7] == ' ') {
		flags |= EVF_DEBUG;
		s += 8, n -= 8;
	}
	/* trailing blanks: some relays and copies add them after " [preauth]" */
	while (_unlikely_(n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')))
		n--;
	/* monitor.c:monitor_read_log() relay suffix "%s [%s]" */
	if (has_suffix(s, n, " [preauth]", 10)) {
		flags |= EVF_PREAUTH;
		n -= 10;
	} else if (has_suffix(s, n, " [postauth]", 11)) {
		flags |= EVF_POSTAUTH;
		n -= 11;
	}
	ret->flags = flags;

	if (match_rows(p, s, n, len, ret)) {
		if (_unlikely_(ret->addr[0] == '<' || ret->addr[0] == '['))
			drop_placeholder_addr(ret);
		return 1;
	}
	if (match_rewritten(p, s, n, len, ret))
		return 1;
	auth_event_clear(ret);
	ret->flags = flags;

	/* Every other debugN:, error: and fatal: line is recognised but generic. */
	if (flags & (EVF_DEBUG | EVF_ERROR | EVF_FATAL)) {
		ret->kind = (flags & EVF_DEBUG) ? EVENT_DEBUG : EVENT_SSHD_ERROR;
		copy_text(ret->detail, sizeof(ret->detail), s, n);
		return 1;
	}
	ret->kind = EVENT_UNRECOGNISED;
	copy_text(ret->detail, sizeof(ret->detail), msg, len);
	return 0;
}

void
sshd_parser_set_regex_only(struct sshd_parser *p, bool on)
{
	p->regex_only = on;
}
