# The shell peer of figure 6: a per-user report's headline numbers, added up by jq in one
# streaming pass (jq -n -f headline.jq FILE), as a hand-written workflow step would.
reduce inputs as $r (
  {daily_active_users: 0, daily_active_chat_users: 0, daily_active_agent_users: 0,
   daily_active_cli_users: 0, user_initiated_interaction_count: 0,
   code_generation_activity_count: 0, code_acceptance_activity_count: 0,
   loc_suggested_to_add_sum: 0, loc_suggested_to_delete_sum: 0, loc_added_sum: 0,
   loc_deleted_sum: 0, cc_shown: 0, cc_accepted: 0};
  .daily_active_users += 1
  | .daily_active_chat_users += (if $r.used_chat then 1 else 0 end)
  | .daily_active_agent_users += (if $r.used_agent then 1 else 0 end)
  | .daily_active_cli_users += (if $r.used_cli then 1 else 0 end)
  | .user_initiated_interaction_count += ($r.user_initiated_interaction_count // 0)
  | .code_generation_activity_count += ($r.code_generation_activity_count // 0)
  | .code_acceptance_activity_count += ($r.code_acceptance_activity_count // 0)
  | .loc_suggested_to_add_sum += ($r.loc_suggested_to_add_sum // 0)
  | .loc_suggested_to_delete_sum += ($r.loc_suggested_to_delete_sum // 0)
  | .loc_added_sum += ($r.loc_added_sum // 0)
  | .loc_deleted_sum += ($r.loc_deleted_sum // 0)
  | ([$r.totals_by_feature[]? | select(.feature == "code_completion")]) as $cc
  | .cc_shown += ([$cc[].code_generation_activity_count // 0] | add // 0)
  | .cc_accepted += ([$cc[].code_acceptance_activity_count // 0] | add // 0)
)
# GitHub's code completion acceptance rate: the code_completion feature's accepted / shown.
| .code_completion_acceptance_rate = (if .cc_shown > 0
    then ((10000 * .cc_accepted / .cc_shown) | round) / 100
    else null end)
| del(.cc_shown, .cc_accepted)
