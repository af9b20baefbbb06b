"""The approval flow's texts, as (English, 简体中文) pairs (merged into ``TEXTS``)."""

TEXTS: dict[str, tuple[str, str]] = {
    "state.pending_approval": ("awaiting approval", "待审批"),
    "state.rejected": ("rejected", "已驳回"),
    "err.awaiting_approval": (
        "{ref} is awaiting approval by {approvers}; the desk can act on it once it is approved.",
        "{ref} 正在等待 {approvers} 审批；审批通过后服务台才能处理。"),
    "err.need_reason": (
        "Please say why: `/request reject {ref} <reason>` (the requester reads it).",
        "请说明驳回原因：`/request 驳回 {ref} <原因>`（提单人会看到）。"),
    "err.need_away": (
        "Say until when and who approves for you: "
        "`/request away until {ex_date} delegate {ex_person}`.",
        "请写明休假到哪天、由谁代为审批：`/request 休假 至 {ex_date} 代理 {ex_person}`。"),
    "approval.err.not_pending": (
        "{ref} is not awaiting approval (it is {state}).",
        "{ref} 不在审批中（当前状态：{state}）。"),
    "approval.err.already": (
        "You have already approved {ref}; it now waits for {approvers}.",
        "您已批准 {ref}，现在等待 {approvers} 审批。"),
    "approval.err.not_approver": (
        "{ref} is awaiting approval by {approvers}; only they can approve or reject it.",
        "{ref} 正在等待 {approvers} 审批，只有审批人可以批准或驳回。"),
    # approve / reject typed without the id (handlers/approval_answers.py)
    "err.need_ref.approvals": (
        "Approvals of {refs} wait for you. Which one? Type:\n{commands}",
        "{refs} 都在等您审批，请指明哪一个，输入：\n{commands}"),
    "err.need_ref.no_approval": (
        "No approval is waiting for you. When one comes, decide it with the buttons on its "
        "message, or type `/request approve <ID>`.",
        "目前没有等待您审批的请求。收到审批时，请点该消息上的按钮，"
        "或输入 `/request 批准 <单号>`。"),
    "approval.err.need_reason": (
        "Please say why: `/request reject {ref} <reason>` (the requester reads it).",
        "请说明驳回原因：`/request 驳回 {ref} <原因>`（提单人会看到）。"),
    "approval.err.bad_value": (
        "{ref} was not reopened: {problem}", "{ref} 未重开：{problem}"),
    "approval.err.no_such_value": (
        "{ref} was not reopened: it has no value called “{word}”. Its service changed since "
        "it was opened, so write its values by the names it shows them with: {values}. "
        "For example: `/request reopen {ref} {example}`.",
        "{ref} 未重开：没有名为“{word}”的内容。该请求提交后服务已变更，请按请求中显示的名称填写："
        "{values}。例如：`/request 重开 {ref} {example}`。"),
    "approval.no_changes": ("no changes", "无"),
    "approval.reopen.rejected": (
        "Reopened after {by} rejected it: {reason}", "此前 {by} 驳回：{reason}"),
    "approval.reopen.changed": (
        "Changed since: {changes}.", "重开时修改：{changes}。"),
    "approval.reopen.unchanged": (
        "Reopened without changing its values.", "重开时未修改内容。"),
    "approval.reopen.words": ("{requester} adds: {words}", "{requester} 说明：{words}"),
    "approval.button.approve": ("Approve", "批准"),
    "approval.button.reject": ("Reject", "驳回"),
    "approval.field.step": ("Approval", "审批"),
    "approval.step_of": ("step {step} of {total}", "第 {step}/{total} 步"),
    "approval.note.ask": (
        "{requester} asks for your approval of {ref} {title} (step {step} of {total}). "
        "Approve, or reject with a reason: `/request approve {ref}` · "
        "`/request reject {ref} <reason>`.",
        "{requester} 请您审批 {ref} {title}（第 {step}/{total} 步）。批准或驳回（需说明原因）："
        "`批准 {ref}` · `驳回 {ref} <原因>`。"),
    "approval.note.ask_delegate": (
        "For {away}, who is away: {requester} asks for approval of {ref} {title} "
        "(step {step} of {total}). `/request approve {ref}` · `/request reject {ref} <reason>`.",
        "{away} 休假中，由您代为审批：{requester} 的 {ref} {title}（第 {step}/{total} 步）。"
        "`批准 {ref}` · `驳回 {ref} <原因>`。"),
    "approval.note.partial": (
        "{by} approved {ref} {title} (step {step} of {total}); still waiting for {approvers}.",
        "{by} 已批准 {ref} {title}（第 {step}/{total} 步），仍在等待 {approvers}。"),
    "approval.note.next": (
        "{by} approved {ref} {title} (step {step} of {total}); it now goes to {approvers} "
        "for approval.",
        "{by} 已批准 {ref} {title}（第 {step}/{total} 步），现在交由 {approvers} 审批。"),
    "approval.note.approved": (
        "{ref} {title} is approved (last approval by {by}). {department} has it now; "
        "first response due {first_due}.",
        "{ref} {title} 已审批通过（最后由 {by} 批准），已交给{department}处理；"
        "首次响应时限：{first_due}。"),
    "approval.note.rejected": (
        "{by} rejected {ref} {title} (step {step} of {total}): {reason}\n"
        "To change it and ask again: `/request reopen {ref} <field>=<value> …` "
        "(e.g. the amount); the approval starts over.",
        "{by} 驳回了 {ref} {title}（第 {step}/{total} 步）：{reason}\n"
        "修改后重新提交：`/request 重开 {ref} <字段>=<值> …`（例如金额），审批将重新开始。"),
    "approval.note.comment": ("{by} commented: {comment}", "{by} 的审批意见：{comment}"),
    "approval.note.withdrawn": (
        "{by} withdrew {ref} {title}: there is nothing to approve any more.",
        "{by} 撤回了 {ref} {title}，无需再审批。"),
    "approval.note.answered": (
        "{by} withdrew {ref} {title}: the service's instructions answered it, so there is "
        "nothing to approve any more.",
        "{by} 撤回了 {ref} {title}：服务说明已解答其问题，无需再审批。"),
    "approval.note.delegated_away": (
        "You are away: {delegate} decides on {ref} {title} for you.",
        "您在休假中：{ref} {title} 由 {delegate} 代为审批。"),
    "approval.reply.opened": (
        "{ref} ({department} · {category}) is sent for approval to {approvers} "
        "({n} steps). {department} gets it once approved; its targets start then.",
        "{ref}（{department} · {category}）已提交审批：{approvers}（共 {n} 步）。"
        "审批通过后交给{department}处理，时限从那时开始计算。"),
    "approval.reply.opened.one": (
        "{ref} ({department} · {category}) is sent for approval to {approvers} "
        "(1 step). {department} gets it once approved; its targets start then.",
        "{ref}（{department} · {category}）已提交审批：{approvers}（共 1 步）。"
        "审批通过后交给{department}处理，时限从那时开始计算。"),
    "approval.reply.currency": (
        "Amounts in {currency} go through every approval step: the thresholds are in "
        "another currency and crossdesk does not convert.",
        "以 {currency} 计的金额需经过全部审批步骤：审批金额门槛以其他币种计，系统不做汇率换算。"),
    "approval.reply.partial": (
        "You approved {ref}; it still waits for {approvers}.",
        "您已批准 {ref}，仍在等待 {approvers}。"),
    "approval.reply.next": (
        "You approved {ref}; it goes to {approvers} next.",
        "您已批准 {ref}，下一步由 {approvers} 审批。"),
    "approval.reply.done": (
        "You approved {ref}: approval complete, {department} has it now.",
        "您已批准 {ref}：审批完成，已交给{department}处理。"),
    "approval.reply.rejected": (
        "You rejected {ref}; {requester} is told why.",
        "您已驳回 {ref}，已告知 {requester} 原因。"),
    "approval.reply.reopened": (
        "{ref} is sent for approval again ({changed}): {approvers}.",
        "{ref} 已重新提交审批（修改：{changed}）：{approvers}。"),
    "approval.reply.reopened_open": (
        "{ref} is reopened ({changed}) and needs no approval now: {department} has it.",
        "{ref} 已重开（修改：{changed}），无需再审批，已交给{department}处理。"),
    "approval.queue.coming": (
        "Coming, awaiting approval ({n}):", "即将到来，审批中（{n}）："),
    "approval.queue.line": (
        "• {ref} [{priority}] {title} · {requester} · awaiting approval by {approvers}",
        "• {ref} [{priority}] {title} · {requester} · 等待 {approvers} 审批"),
    "approval.show.title": ("Approval:", "审批："),
    "approval.show.step": ("  {step}. {approvers} — {state}", "  {step}. {approvers} —— {state}"),
    "approval.step.waiting": ("not started", "未开始"),
    "approval.step.pending": ("waiting since {since}", "自 {since} 等待中"),
    "approval.step.approved": ("approved by {by} {at}", "{by} 于 {at} 批准"),
    "approval.step.approved_for": (
        "approved by {by} on behalf of {owner} {at}", "{by} 代 {owner} 于 {at} 批准"),
    "approval.step.rejected": ("rejected by {by} {at}: {reason}", "{by} 于 {at} 驳回：{reason}"),
    "approval.step.skipped": ("skipped", "未进行"),
    "approval.remind": (
        "Reminder: {ref} {title} from {requester} has waited {waited} for your approval "
        "(step {step} of {total}).",
        "提醒：{requester} 的 {ref} {title} 已等待您审批 {waited}（第 {step}/{total} 步）。"),
    "approval.escalate": (
        "{ref} {title} from {requester} has waited {waited} for approval by {approver} "
        "(step {step} of {total}). Please follow up with them.",
        "{requester} 的 {ref} {title} 已等待 {approver} 审批 {waited}（第 {step}/{total} 步），"
        "请跟进。"),
    "approval.admin": (
        "{ref} {title} from {requester} waits for approval by {approvers} (step {step} of "
        "{total}), and none of them is in the config any more: as an admin, you decide it. "
        "`/request approve {ref}` · `/request reject {ref} <reason>`.",
        "{requester} 的 {ref} {title} 正在等待 {approvers} 审批（第 {step}/{total} 步），"
        "但审批人已不在配置中，需由管理员决定：`批准 {ref}` · `驳回 {ref} <原因>`。"),
    "away.err.date": (
        "“{given}” is not a day from today on; write e.g. "
        "`/request away until {ex_date} delegate {ex_person}`.",
        "“{given}”不是今天或之后的日期；请写成 `/request 休假 至 {ex_date} 代理 {ex_person}`。"),
    "away.err.not_a_date": (
        "“{given}” is not a date. Write the last day of your absence as year-month-day "
        "(e.g. {ex_date}) or month-day: `/request away until {ex_date} delegate {ex_person}`.",
        "“{given}”不是有效的日期。请按 年-月-日（如 {ex_date}）或 月-日 写明休假的最后一天："
        "`/request 休假 至 {ex_date} 代理 {ex_person}`。"),
    "away.err.too_far": (
        "“{given}” is more than a year from today; an absence lasts a year at most. Write "
        "e.g. `/request away until {ex_date} delegate {ex_person}`.",
        "“{given}”距今超过一年，休假最长一年；"
        "请写成 `/request 休假 至 {ex_date} 代理 {ex_person}`。"),
    "away.err.self": (
        "Name someone else as your delegate.", "请指定其他人作为代理审批人。"),
    "away.err.not_away": (
        "You are not marked away; nothing changed.", "您没有休假记录，未做任何更改。"),
    "away.note.delegate": (
        "{away} is away until {until}: you approve for them meanwhile. Handed to you now: "
        "{refs}.",
        "{away} 休假至 {until}，期间由您代为审批。现已转给您：{refs}。"),
    "away.note.delegate_none": (
        "{away} is away until {until}: you approve for them meanwhile. Nothing is waiting for "
        "their approval now; you are asked as approvals come.",
        "{away} 休假至 {until}，期间由您代为审批。目前暂无待审批的请求，有新的审批时会通知您。"),
    "away.nothing": ("nothing pending", "暂无待审批"),
    "away.note.replaced": (
        "{away} has named {delegate} to approve for them instead of you (away until "
        "{until}): you no longer approve for them. No longer waiting for you: {refs}.",
        "{away} 已改由 {delegate} 代为审批（休假至 {until}），您不再代其审批。"
        "以下审批不再等待您：{refs}。"),
    "away.note.replaced_none": (
        "{away} has named {delegate} to approve for them instead of you (away until "
        "{until}): you no longer approve for them. Nothing of theirs was waiting for you.",
        "{away} 已改由 {delegate} 代为审批（休假至 {until}），您不再代其审批。"
        "目前没有待您代其审批的请求。"),
    "away.reply.kept": (
        "{refs} stays with you: {requester} requested it, and nobody approves their own "
        "request.",
        "{refs} 仍由您审批：它由 {requester} 提交，代理人不能审批自己的请求。"),
    "away.reply.kept_many": (
        "{refs} stay with you: {requester} requested them, and nobody approves their own "
        "request.",
        "{refs} 仍由您审批：它们由 {requester} 提交，代理人不能审批自己的请求。"),
    "away.reply.replaced": (
        "{old} is told they no longer approve for you.", "已告知 {old} 不再代您审批。"),
    "settle.handed_on": ("Handed to {to}", "已转交 {to}"),
    "away.note.delegate_idle": (
        "{away} is away until {until} and named you to approve for them. They approve "
        "nothing at the moment, so nothing is pending now; should an approval come to them "
        "before then, you are asked.",
        "{away} 休假至 {until}，指定您代为审批。对方目前没有需要审批的事项，现在没有待审批的请求；"
        "在此期间如有审批发给对方，会转给您。"),
    "away.reply.no_approvals": (
        "You are marked away until {until} (end of day). You approve nothing at the moment, "
        "so nothing was handed to {delegate}; should an approval come to you before then, it "
        "goes to them.{more} `/request back` ends it early.",
        "已记录您休假至 {until}（当天结束）。您目前没有需要审批的事项，因此没有转交给 {delegate} "
        "的审批；在此期间如有审批发给您，将转给对方。{more}提前回来请输入 `/request 销假`。"),
    # a lead or manager away: the escalations that would reach them go to the delegate
    "away.reply.escalations": (
        "Escalations that would reach you go to {delegate} meanwhile.",
        "在此期间，本应升级给您的提醒将发给 {delegate}。"),
    "away.reply.set": (
        "You are away until {until} (end of day): {delegate} approves for you. Handed over "
        "now: {refs}.{more} `/request back` ends it early.",
        "您已设置休假至 {until}（当天结束）：由 {delegate} 代为审批。已转交：{refs}。"
        "{more}提前回来请输入 `/request 销假`。"),
    "away.reply.back": (
        "Welcome back: new approvals come to you again. Waiting for you: {refs}.",
        "欢迎回来：新的审批将重新发给您。待您审批：{refs}。"),
    "away.reply.back_none": (
        "Welcome back: new approvals come to you again. Nothing is waiting for you.",
        "欢迎回来：新的审批将重新发给您。目前没有待您审批的请求。"),
    "event.approval_requested": ("sent it for approval", "提交审批"),
    "event.approval_step": ("asked for approval, step", "请求审批，步骤"),
    "event.approved_step": ("approved step", "批准步骤"),
    "event.approved_step_for": ("approved a step on behalf of", "代为批准步骤"),
    "event.approval_done": ("completed the approval", "完成审批"),
    "event.rejected": ("rejected it", "驳回"),
    "event.values_changed": ("changed values, previously", "修改内容，原为"),
    "event.approval_delegated": ("handed an approval to a delegate", "转交代理审批"),
    "event.approval_reminded": ("reminded the approver", "提醒审批人"),
    "event.approval_to_admin": ("asked an admin to decide the approval", "请管理员审批"),
    "event.approval_escalated": ("escalated the approval", "升级审批提醒"),
    "digest.approval_median": (
        "Approval time (median, not counted against the desk): {items}",
        "审批用时（中位数，不计入服务台时限）：{items}"),
}
