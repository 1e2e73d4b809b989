/** Help texts of the identity commands. */

const GLOBAL = `Global options (every command):
  --host <url>     gateway URL (env TESSERA_HOST, default http://127.0.0.1:8080)
  --token <token>  API token (env TESSERA_TOKEN; required)
  -h, --help       show help`;

export const IDENTITY_USAGE_LINES =
  "  tessera users|groups|service-principals …                manage principals (admins)\n" +
  "  tessera tokens create|list|revoke                         personal access tokens\n" +
  "  tessera permissions get|set|update|levels <endpoint>      endpoint permissions\n" +
  "  tessera secrets acls list|get|put|delete                  secret scope permissions\n";

export const USERS_USAGE = `Usage: tessera users <command> [options]

Commands:
  list [--filter '<scim filter>']     list users (e.g. --filter 'userName sw "a"')
  get <user>                          show one user as JSON (<user>: id or userName)
  me                                  show the caller (any principal)
  create <userName> [--display-name <name>] [--entitlements a,b]
  delete <user>                       delete a user with its tokens and grants
  activate <user> | deactivate <user> a deactivated user's tokens stop working at once
  entitle <user> <entitlement> | unentitle <user> <entitlement>
                                      e.g. allow-endpoint-create (may create endpoints and scopes)

Options:
  --json  print the gateway's JSON reply

${GLOBAL}
`;

export const GROUPS_USAGE = `Usage: tessera groups <command> [options]

Commands:
  list [--filter '<scim filter>']     list groups
  get <group>                         show one group as JSON (<group>: id or name)
  create <name>                       create a group
  delete <group>                      delete a group (not its members)
  add-member <group> <principal>      add a user, service principal or group
  remove-member <group> <principal>   (<principal>: id, userName, group name or application id)
  entitle <group> <entitlement> | unentitle <group> <entitlement>

Options:
  --json  print the gateway's JSON reply

${GLOBAL}
`;

export const SPS_USAGE = `Usage: tessera service-principals <command> [options]

Commands:
  list [--filter '<scim filter>']     list service principals
  get <sp>                            show one as JSON (<sp>: id, application id or display name)
  create <displayName>                create one; its application id is the OAuth client id
  delete <sp>                         delete it with its tokens, OAuth secrets and grants
  activate <sp> | deactivate <sp>
  entitle <sp> <entitlement> | unentitle <sp> <entitlement>
  secrets create <sp>                 make an OAuth client secret (printed once, on stdout)
  secrets list <sp>                   list its OAuth secrets (ids and times only)
  secrets delete <sp> <secret-id>     delete one; tokens issued from it stop working

Options:
  --json  print the gateway's JSON reply

${GLOBAL}
`;

export const TOKENS_USAGE = `Usage: tessera tokens <command> [options]

Commands:
  create [--lifetime <seconds>] [--comment <text>]
         [--for-user <userName> | --for-sp <applicationId>]
                       make a personal access token, for the caller or (admins) for
                       someone else; the value is printed once, on stdout
  list [--all]         the caller's tokens; --all: everyone's (admins)
  revoke <token-id> [--any]
                       delete a token of the caller's; --any: anyone's (admins)

Options:
  --json  print the gateway's JSON reply

${GLOBAL}
`;

export const PERMISSIONS_USAGE = `Usage: tessera permissions <command> <endpoint> [grants…] [options]

Commands:
  get <endpoint>                 show the endpoint's access control list
  set <endpoint> <grant>…        replace the direct grants (PUT)
  update <endpoint> <grant>…     add or change grants, keeping the others (PATCH)
  levels <endpoint>              list the permission levels

A grant is <kind>:<name>=<LEVEL>, with kind user, group or sp (application id) and LEVEL
one of CAN_VIEW, CAN_QUERY, CAN_MANAGE, e.g. user:alice=CAN_QUERY group:analysts=CAN_VIEW.
<endpoint> is the endpoint's name or id.

Options:
  --json  print the gateway's JSON reply

${GLOBAL}
`;

export const SECRET_ACLS_USAGE = `Usage: tessera secrets acls <command> [options]

Commands:
  list <scope>                            list the scope's ACLs (needs MANAGE)
  get <scope> <principal>                 one principal's permission
  put <scope> <principal> <permission>    READ, WRITE or MANAGE (they nest)
  delete <scope> <principal>              remove a principal's permission

<principal> is a userName, a group name or a service principal's application id.

Options:
  --json  print the gateway's JSON reply

${GLOBAL}
`;
