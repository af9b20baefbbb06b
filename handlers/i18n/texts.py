"""Every text the bot can say, as (English, 简体中文) pairs."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- states and priorities
    "state.open": ("open", "待受理"),
    "state.acknowledged": ("acknowledged", "已受理"),
    "state.in_progress": ("in progress", "处理中"),
    "state.waiting": ("waiting on requester", "等待提单人"),
    "state.resolved": ("resolved", "已解决"),
    "state.closed": ("closed", "已关闭"),
    "state.cancelled": ("cancelled", "已取消"),
    "priority.P1": ("P1 critical", "P1 紧急"),
    "priority.P2": ("P2 high", "P2 高"),
    "priority.P3": ("P3 normal", "P3 普通"),
    "priority.P4": ("P4 low", "P4 低"),
    # --- buttons
    "button.ack": ("Acknowledge", "受理"),
    "button.assign_me": ("Assign to me", "指派给我"),
    "button.resolve": ("Resolve", "解决"),
    "button.cancel": ("Cancel", "取消"),
    "button.confirm": ("Confirm, it's solved", "确认已解决"),
    "button.reopen": ("Reopen", "重开"),
    "button.show": ("Details", "详情"),
    "button.rate": ("{stars} ★", "{stars} 星"),
    "button.rate_any": ("Rate…", "评分…"),
    "home.mine": ("Your requests", "我提交的请求"),
    "home.mine.empty": ("Nothing open. Type `/request` to ask a department for something.",
                        "暂无进行中的请求。输入 `/request` 向部门提单。"),
    "home.queue": ("{department} — open requests, overdue first",
                   "{department} —— 待处理请求（超时的在前）"),
    "home.queue.empty": ("No open requests. Nice work!", "没有待处理的请求，干得好！"),
    "home.more": ("Showing {shown} of {total}. Type `{command}` for the rest.",
                  "显示 {shown}/{total} 条，输入 `{command}` 查看其余。"),
    "home.overdue": ("overdue", "已超时"),
    "home.escalated": ("Escalated to you — open requests, overdue first",
                       "升级至您的请求 —— 未完成（超时的在前）"),
    "button.wait": ("Ask requester…", "提问…"),
    "button.resume": ("Resume", "继续处理"),
    # --- parse errors
    "err.not_a_command": (
        "I didn't understand that. Type `/request help` to see what I can do, or "
        "`/request <department> <category> <details>` to ask a department for something.",
        "没有看懂这条消息。输入 `/request 帮助` 查看用法，或输入 `/request <部门> <服务> <说明>` 向部门提单。",
    ),
    "err.not_text": (
        "Thanks — but I can only read typed text, not {what}. Type your request instead, e.g. "
        "`/request <department> <category> <details>`, or `/request help` to see what I can do.",
        "谢谢！不过我只能读懂文字消息，无法识别{what}。请用文字输入，例如 `/request <部门> <服务> <说明>`，"
        "或输入 `/request 帮助` 查看用法。",
    ),
    "kind.image": ("a picture", "图片"),
    "kind.voice": ("a voice message", "语音"),
    "kind.video": ("a video", "视频"),
    "kind.file": ("a file", "文件"),
    "kind.location": ("a location", "位置"),
    "err.unknown_department": (
        "There is no department called “{word}”.{hint} Type `/request` to see all departments.",
        "没有叫“{word}”的部门。{hint}输入 `/request` 查看所有部门。",
    ),
    "err.unknown_category": (
        "{department} offers no service called “{word}”.{hint} Its services:\n{services}",
        "{department}没有“{word}”这项服务。{hint}可选服务：\n{services}",
    ),
    "hint.did_you_mean": (" Did you mean {options}?", "您是不是想输入 {options}？"),
    "hint.did_you_mean_command": (" Did you mean a command: {commands}?",
                                  "您是不是想输入命令：{commands}？"),
    "hint.or_command": (" Or, if you meant a command: {commands}.",
                        "如果您想输入的是命令：{commands}。"),
    "err.mistyped_command": ("There is no command “{word}”. Did you mean {commands}?",
                             "没有“{word}”这个命令。您是不是想输入 {commands}？"),
    "err.too_long": (
        "That text is {length} characters long; the limit is {limit}. Please shorten it "
        "(put long material in a document and paste a link). Nothing was saved.",
        "内容共 {length} 个字符，超过了 {limit} 字的上限。请精简后再发（长材料可放在文档里贴链接）。本次未保存任何内容。",
    ),
    "err.need_ref": (
        "Which request? Type `/request {command} <ID>{rest}`, e.g. "
        "`/request {command} {ex_ref}{rest}`.{refs}",
        "请指明哪一个请求：输入 `/request {command} <单号>{rest}`，例如 "
        "`/request {command} {ex_ref}{rest}`。{refs}",
    ),
    "err.need_ref.one": (
        "Which request? For {ref}, type `{command}`.",
        "请指明哪一个请求。如果是 {ref}，请输入 `{command}`。",
    ),
    "err.meant_ref": ("“{typed}” is not a request id. Did you mean {ref}? Type `{command}`.",
                      "“{typed}”不是单号。您是不是想输入 {ref}？请输入 `{command}`。"),
    "hint.fitting_refs": (" Yours it fits: {refs}.", "可用的请求：{refs}。"),
    "conv.proposal_waits": (
        "A proposal on {ref} still waits for your answer: to accept it, type `{command}` "
        "(or use the buttons on its message to decline or counter it).",
        "{ref} 的方案仍在等您答复：接受请输入 `{command}`（拒绝或反提议请点该方案消息上的按钮）。"),
    # accept / decline / counter typed without the id (handlers/proposal_answers.py)
    "err.need_ref.proposals": (
        "Proposals on {refs} wait for your answer. Which one? Type:\n{commands}",
        "{refs} 都有方案在等您答复，请指明哪一个，输入：\n{commands}"),
    "err.need_ref.no_proposal": (
        "No proposal is waiting for your answer. When one comes (a new date or solution), "
        "answer it with the buttons on its message, or type `{command}`.",
        "目前没有等待您答复的方案。收到方案（新日期或新方案）后，请点该消息上的按钮，"
        "或输入 `{command}`。"),
    "hint.ref_placeholder": ("<ID>", "<单号>"),
    "hint.text_placeholder": ("<text>", "<内容>"),
    "err.typed_label": (
        "“{label}” is a button's label: click the button, or type `{command}`.{refs}",
        "“{label}”是按钮上的文字：请点击该按钮，或输入 `{command}`。{refs}",
    ),
    "err.said_solved": (
        "Glad it is solved! To confirm it, click “{button}” or type `{command}`.{refs}",
        "很高兴问题已解决！如需确认，请点击“{button}”或输入 `{command}`。{refs}",
    ),
    "reply.hello": (
        "Hello! I'm the service desk bot. To ask a department for something, type "
        "`/request <department> <service> <details>`, e.g. `{example}`. `/request` lists "
        "every department's services; `/request help` shows all I can do.",
        "您好！我是服务台助手。需要哪个部门帮忙，请输入 `/request <部门> <服务> <说明>`，"
        "例如 `{example}`。输入 `/request` 查看各部门的服务，`/request 帮助` 查看全部用法。",
    ),
    "reply.thanks": (
        "You're welcome! When you need anything else, type `/request` to see every "
        "department's services.",
        "不客气！还需要帮忙时，输入 `/request` 查看各部门的服务。",
    ),
    "err.need_text": (
        "Please add a note: `/request {command} {ref} {text}`.",
        "请附上说明：`/request {command} {ref} {text}`。",
    ),
    "err.need_person": (
        "Assign to whom? Type `/request assign {ref} <name>`: their name, an @mention or their "
        "WeCom account (or `me`).",
        "指派给谁？请输入 `/request 指派 {ref} <姓名>`：姓名、@ 提及或企业微信账号均可（指派给自己用 `我`）。",
    ),
    "err.bad_rating": (
        "A rating is a whole number from 1 to 5, e.g. `/request rate {ref} 5 quick and kind`.",
        "评分请用 1 到 5 的整数，例如 `/request 评分 {ref} 5 很及时`。",
    ),
    "err.need_suggestion": (
        "Type `/suggest <department> <your suggestion>`; add `--anon` to stay anonymous.",
        "请输入 `/suggest <部门> <建议内容>`；加上 `匿名` 可匿名提交。",
    ),
    "err.not_found": (
        "I can't find request {ref} among the requests you can see. Type `/request list` "
        "for yours or `/request queue` for your department's.",
        "在您可查看的请求中找不到 {ref}。输入 `/request 列表` 查看您提交的请求，或 `/request 队列` 查看本部门的请求。",
    ),
    "err.forbidden_staff": (
        "Only members of {department} may {action} {ref} (ask {leads}). Nothing was changed.",
        "只有{department}的成员才能{action} {ref}（可联系 {leads}）。未做任何更改。",
    ),
    "err.forbidden_requester": (
        "Only the requester, {requester}, may {action} {ref}. Nothing was changed.",
        "只有提单人 {requester} 才能{action} {ref}。未做任何更改。",
    ),
    "err.forbidden_comment": (
        "Only the requester and {department} may comment on {ref}. Nothing was changed.",
        "只有提单人和{department}可以评论 {ref}。未做任何更改。",
    ),
    "err.empty_note": (
        "The internal note for {ref} is empty: write it after the marker, e.g. "
        "`/request comment {ref} // <note>`. Nothing was changed.",
        "{ref} 的内部备注是空的：请在标记后写上内容，例如 `/request 评论 {ref} // <内容>`。未做任何更改。",
    ),
    "err.reopen_values": (
        "A reopen keeps {ref}'s values, so {values} was not applied and nothing was changed. "
        "To reopen it as it is, type `/request reopen {ref} {reason}`; for a request with "
        "the new value, open a new one: `{new}`.",
        "重开会保留 {ref} 原有的表单值，因此 {values} 未生效，未做任何更改。如按原样重开，请输入 "
        "`/request 重开 {ref} {reason}`；如需按新的值处理，请新建请求：`{new}`。",
    ),
    "err.bad_state": (
        "{ref} is {state}, so it can't be {action_past} now.{hint}",
        "{ref} 当前状态为“{state}”，现在不能{action}。{hint}",
    ),
    "err.unknown_person": (
        "I don't know anyone called “{person}”. Name a person as your chat shows them: "
        "@mention them, or type their name (whole, or its Chinese or English part) or their "
        "WeCom account.",
        "找不到“{person}”这个人。请按聊天里显示的方式指明：@ 提及对方，或输入对方的姓名（全名、"
        "中文名或英文名均可）或企业微信账号。",
    ),
    "err.assign_unknown": (
        "I don't know anyone called “{person}”. {ref} can go to a member of {department}: "
        "@mention them, or type their name (whole, or its Chinese or English part) or their "
        "WeCom account, or `me` for yourself. Its members: {members}.",
        "找不到“{person}”这个人。{ref} 可指派给{department}的成员：@ 提及对方，或输入对方的姓名"
        "（全名、中文名或英文名均可）或企业微信账号；指派给自己请输入 `我`。成员：{members}。",
    ),
    "err.person_ambiguous": (
        "“{person}” could be several people. Which one? Type one of:\n{choices}",
        "“{person}”对应多个人，请问是哪一位？请输入以下之一：\n{choices}",
    ),
    "person.choice": ("• {name} — `{command}`", "• {name}：`{command}`"),
    "person.choice_at": ("• {name} ({departments}) — `{command}`",
                         "• {name}（{departments}）：`{command}`"),
    "person.command.assign": ("/request assign {ref} {who}", "/request 指派 {ref} {who}"),
    "person.command.away": ("/request away until {until} delegate {who}",
                            "/request 休假 至 {until} 代理 {who}"),
    "err.assign_not_member": (
        "{person} is not in {department}; requests can only be assigned to its members: {members}.",
        "{person} 不是{department}的成员；只能指派给本部门成员：{members}。",
    ),
    "err.same_department": (
        "{ref} is already with {department}.",
        "{ref} 已在{department}。",
    ),
    "err.same_service": (
        "{ref} is already with {department} as {service}; nothing was changed. To move it to "
        "another of its services, type one of:\n{choices}",
        "{ref} 已在{department}（{service}），未做更改。如需改为其他服务，请输入以下之一：\n{choices}",
    ),
    "err.transfer_which_service": (
        "{department} offers several services, so {ref} was not moved yet. Which one? Type one "
        "of:\n{choices}",
        "{department}有多项服务，{ref} 尚未转交。请指明服务，输入以下之一：\n{choices}",
    ),
    "err.transfer_confidential": (
        "{ref} is confidential, so it can only move to a confidential service; nothing was "
        "changed. {department}'s confidential services:\n{choices}",
        "{ref} 是保密请求，只能转到保密服务，未做更改。{department}的保密服务：\n{choices}",
    ),
    "err.transfer_confidential_none": (
        "{ref} is confidential, so it can only move to a confidential service, and "
        "{department} has none to move it to; nothing was changed. An admin can mark a service "
        "confidential in the config (`confidential = true`).",
        "{ref} 是保密请求，只能转到保密服务，而{department}没有可转入的保密服务，未做更改。"
        "管理员可在配置中将服务设为保密（`confidential = true`）。",
    ),
    "transfer.choice": ("• {service} — `/request transfer {ref} {department} {word}`",
                        "• {service} — `/request 转交 {ref} {department} {word}`"),
    "err.not_member_queue": (
        "You are not a member of {department}, so you can't see its queue. "
        "Type `/request list` to see the requests you opened.",
        "您不是{department}的成员，无法查看其队列。输入 `/request 列表` 查看您提交的请求。",
    ),
    "err.no_department": (
        "You are not a member of any department. Type `/request list` for your own requests.",
        "您不属于任何部门。输入 `/request 列表` 查看您提交的请求。",
    ),
    "err.rating_final": (
        "The rating for {ref} was given more than 24 hours ago and is now final.",
        "{ref} 的评分已超过 24 小时，不能再修改。",
    ),
    "err.rate_requester_only": (
        "Ratings belong to the requester: only {requester} can rate {ref}, not an admin. "
        "Nothing was changed. To see its rating and history, type `/request show {ref}`.",
        "评分属于提单人：只有 {requester} 才能为 {ref} 评分，管理员也不能代评。未做任何更改。"
        "查看评分和处理记录请输入 `/request 查看 {ref}`。",
    ),
    "err.self_rating": (
        "You resolved {ref} yourself, so you can't rate it.",
        "{ref} 是您本人解决的，不能给自己评分。",
    ),
    "err.try_again": (
        "Sorry, I couldn't save that just now (the database is busy or unavailable). "
        "Nothing was changed; please try again in a minute.",
        "抱歉，暂时无法保存（数据库繁忙或不可用）。未做任何更改，请稍后再试。",
    ),
    "err.busy": (
        "Sorry, the desk is very busy right now. Nothing was changed; please send it again "
        "in a few seconds.",
        "抱歉，服务台当前非常繁忙。未做任何更改，请几秒钟后重新发送。",
    ),
    "err.unstorable": (
        "Sorry, I couldn't store that text. Nothing was changed; please rephrase it "
        "(or shorten it) and send it again.",
        "抱歉，这段文字无法保存。未做任何更改，请修改（或缩短）后重新发送。",
    ),
    # --- action names used in refusals
    "action.ack": ("acknowledge", "受理"),
    "action.assign": ("assign", "指派"),
    "action.wait": ("ask the requester about", "向提单人提问"),
    "action.resume": ("resume", "继续处理"),
    "action.resolve": ("resolve", "解决"),
    "action.transfer": ("transfer", "转交"),
    "action.cancel": ("cancel", "取消"),
    "action.confirm": ("confirm", "确认"),
    "action.reopen": ("reopen", "重开"),
    "action.rate": ("rate", "评分"),
    "action.snooze": ("snooze", "推迟提醒"),
    "action.comment": ("comment on", "评论"),
    "past.ack": ("acknowledged", "受理"),
    "past.assign": ("assigned", "指派"),
    "past.wait": ("put on hold", "转为等待"),
    "past.resume": ("resumed", "继续处理"),
    "past.resolve": ("resolved", "解决"),
    "past.transfer": ("transferred", "转交"),
    "past.cancel": ("cancelled", "取消"),
    "past.confirm": ("confirmed", "确认"),
    "past.reopen": ("reopened", "重开"),
    "past.rate": ("rated", "评分"),
    "past.comment": ("commented on", "评论"),
    "past.snooze": ("snoozed", "推迟提醒"),
    "err.rate_resolved": (
        "{ref} is resolved but not closed yet, so it can't be rated now. Confirm it is solved "
        "first: `/request confirm {ref}`, then rate it: `/request rate {ref} {stars}{comment}`.",
        "{ref} 已解决但尚未关闭，现在还不能评分。请先确认已解决：`/request 确认 {ref}`，"
        "再评分：`/request 评分 {ref} {stars}{comment}`。"),
    "hint.rate_after_close": (" You can rate it once it is closed.", "关闭后即可评分。"),
    # --- replies to the speaker
    "reply.opened": (
        "Opened {ref}: {category} for {department}, {priority}.\n"
        "First response by {first_due}; resolution by {resolution_due}.",
        "已提交 {ref}：{department} · {category}，{priority}。\n"
        "首次响应时限 {first_due}；解决时限 {resolution_due}。",
    ),
    "reply.opened_twin": (
        "You opened {twin} with the same words a few minutes ago. If {ref} is a double, "
        "cancel it: `/request cancel {ref}`.",
        "您几分钟前已用相同内容提交了 {twin}。如果 {ref} 是重复提交，请取消：`/request 取消 {ref}`。"),
    "reply.acked": ("You acknowledged {ref}. The requester has been told.",
                    "您已受理 {ref}，已通知提单人。"),
    "reply.assigned": ("{ref} is now assigned to {who}.", "{ref} 已指派给 {who}。"),
    "reply.assigned_same": ("{ref} is already assigned to {who}; nothing changed.",
                            "{ref} 已经指派给 {who}，未做更改。"),
    "reply.waiting": ("Your question on {ref} was sent to {requester}; the clock is paused.",
                      "已将 {ref} 的问题发给 {requester}，解决时限暂停计时。"),
    "reply.resumed": ("{ref} is back in progress.", "{ref} 已恢复处理。"),
    "reply.resolved": ("{ref} resolved. {requester} has been asked to confirm.",
                       "{ref} 已解决，已请 {requester} 确认。"),
    "reply.confirmed": ("Thanks! {ref} is closed.", "谢谢！{ref} 已关闭。"),
    "reply.reopened": ("{ref} is reopened; the department has been told. New resolution target: {resolution_due}.",
                       "{ref} 已重开，已通知处理部门。新的解决时限：{resolution_due}。"),
    "reply.cancelled": ("{ref} is cancelled.", "{ref} 已取消。"),
    "reply.commented": ("Comment added to {ref}.", "已在 {ref} 添加评论。"),
    "reply.transferred_service": (
        "{ref} was transferred to {department} · {service} ({priority}): first response "
        "{first_due}, resolution {resolution_due}.",
        "{ref} 已转交{department} · {service}（{priority}）：首次响应 {first_due}，"
        "解决 {resolution_due}。"),
    "reply.rated": ("Thank you for rating {ref} {stars}/5.", "感谢您为 {ref} 评 {stars} 分！"),
    "reply.rating_changed": ("Your rating of {ref} is now {stars}/5.",
                             "{ref} 的评分已改为 {stars} 分。"),
    "reply.suggested": (
        "Thank you! Your suggestion #{id} was passed to {department}'s leads with your name "
        "shown. To send one without your name, add `--anon`.",
        "谢谢！您的建议 #{id} 已实名转达{department}负责人（对方能看到您的姓名）。"
        "如需匿名，请加上 `匿名`。"),
    "reply.suggested_anon": (
        "Thank you! Your suggestion #{id} was passed to {department}'s leads without your name: "
        "your name is hidden, they see “an anonymous colleague”.",
        "谢谢！您的建议 #{id} 已匿名转达{department}负责人：您的姓名已隐藏，对方只看到“匿名同事”。"),
    # --- notifications
    "note.new_request": ("New request {ref} from {requester}{home}: {title}",
                         "新请求 {ref}，来自 {requester}{home}：{title}"),
    "note.p1_after_hours": (
        "🚨 New P1 for {department} outside working hours: {ref} {title}, from {requester}. "
        "It runs round the clock: first response due {first_due}.",
        "🚨 {department}在非工作时间收到 P1 紧急请求 {ref}：{title}（提单人 {requester}）。"
        "该请求全天候计时：首次响应时限 {first_due}。"),
    "note.opened": (
        "Your request {ref} to {department} is registered: {title}\n"
        "You'll hear from them by {first_due}.",
        "您的请求 {ref} 已提交给{department}：{title}\n对方将在 {first_due}前回复您。",
    ),
    "note.acked": ("{by} acknowledged your request {ref} ({title}) and is on it.",
                   "{by} 已受理您的请求 {ref}（{title}），正在处理。"),
    "note.assigned": ("{ref} ({title}) is now handled by {who}.",
                      "{ref}（{title}）现由 {who} 负责处理。"),
    "note.assigned_to_you": ("{by} assigned {ref} to you: {title} (from {requester}).",
                             "{by} 把 {ref} 指派给了您：{title}（提单人 {requester}）。"),
    "note.question": (
        "{by} has a question about your request {ref} ({title}):\n{text}\n"
        "Reply with `/request comment {ref} <your answer>`.",
        "{by} 就您的请求 {ref}（{title}）提问：\n{text}\n请回复 `/request 评论 {ref} <您的回答>`。",
    ),
    "note.resumed": ("{by} resumed work on {ref} ({title}).", "{by} 已继续处理 {ref}（{title}）。"),
    "note.resumed_unanswered": ("{by} resumed {ref} ({title}) without answering the question.",
                                "{by} 未回答问题，直接恢复了 {ref}（{title}）的处理。"),
    "note.resumed_by_requester": ("{by} answered on {ref} ({title}): {text}",
                                  "{by} 已回复 {ref}（{title}）：{text}"),
    "note.resolved": (
        "{by} resolved your request {ref} ({title}):\n{text}\n"
        "Please confirm it is solved, or reopen it with a reason.",
        "{by} 已解决您的请求 {ref}（{title}）：\n{text}\n请确认是否已解决，如未解决请说明原因并重开。",
    ),
    "note.confirmed": ("{by} confirmed {ref} ({title}) is solved. Closed.",
                       "{by} 确认 {ref}（{title}）已解决，已关闭。"),
    "note.reopened": ("{by} reopened {ref} ({title}): {text}", "{by} 重开了 {ref}（{title}）：{text}"),
    "note.cancelled": ("{by} cancelled {ref} ({title}).", "{by} 取消了 {ref}（{title}）。"),
    "note.comment_from_requester": ("{by} commented on {ref} ({title}): {text}",
                                    "{by} 评论了 {ref}（{title}）：{text}"),
    "note.comment_from_desk": (
        "{by} on your request {ref} ({title}): {text}",
        "{by} 回复了您的请求 {ref}（{title}）：{text}",
    ),
    "note.transferred": (
        "{by} transferred your request {ref} ({title}) to {department} · {service} "
        "({priority}). New targets: first response {first_due}; resolution {resolution_due}.",
        "{by} 已将您的请求 {ref}（{title}）转交{department} · {service}（{priority}）。"
        "新的时限：首次响应 {first_due}；解决 {resolution_due}。"),
    "note.rated": ("{by} rated {ref} {stars} {comment}", "{by} 为 {ref} 评分 {stars} {comment}"),
    "note.low_rating_lead": ("Low rating for {lead}: {by} gave {ref} {stars}/5. {comment}",
                             "低分提醒：{by} 给 {lead} 处理的 {ref} 评了 {stars} 分。{comment}"),
    "note.low_rating_lead_confidential": (
        "Low rating for {lead}: {ref} (confidential) was rated {stars}/5. Who rated it and "
        "what they wrote stay with the desk.",
        "低分提醒：{lead} 处理的 {ref}（保密）被评了 {stars} 分。评分人和评语仅限该部门查看。"),
    "note.rating_update": ("Rating update: {by} changed {ref}'s rating {was}★ → {stars}★. "
                           "{comment}",
                           "评分更新：{by} 将 {ref} 的评分由 {was}★ 改为 {stars}★。{comment}"),
    "note.rating_update_confidential": (
        "Rating update: {ref} (confidential) is now rated {stars}★ (was {was}★).",
        "评分更新：{ref}（保密）的评分由 {was}★ 改为 {stars}★。"),
    "note.low_rating": ("Low rating: {by} gave {ref} {stars}/5. {comment}",
                        "低分提醒：{by} 给 {ref} 评了 {stars} 分。{comment}"),
    "note.suggestion": ("Suggestion #{id} for {department} from {by}:\n{text}",
                        "{department}收到 {by} 的建议 #{id}：\n{text}"),
    "suggest.anonymous": ("an anonymous colleague", "匿名同事"),
    # --- thread lines in the department channel
    "thread.acked": ("{by} acknowledged {ref}.", "{by} 受理了 {ref}。"),
    "thread.assigned": ("{by} assigned {ref} to {who}.", "{by} 把 {ref} 指派给了 {who}。"),
    "thread.assigned_self": ("{by} took {ref}.", "{by} 认领了 {ref}。"),
    "thread.waiting": ("{by} asked the requester: {text}", "{by} 向提单人提问：{text}"),
    "thread.resumed": ("{by} resumed {ref}.", "{by} 恢复处理 {ref}。"),
    "thread.resolved": ("{by} resolved {ref}: {text}", "{by} 解决了 {ref}：{text}"),
    "thread.comment": ("{by}: {text}", "{by}：{text}"),
    "thread.internal_note": ("{by} (internal note on {ref}): {text}",
                             "{by}（{ref} 内部备注）：{text}"),
    "thread.left_status": ("Transferred to {department}: it goes on in their channel.",
                           "已转交{department}：在对方频道继续处理。"),
    "thread.transferred": ("{by} transferred {ref} to {department}.",
                           "{by} 将 {ref} 转交{department}。"),
    # --- the conversation: thread replies, DM replies, held messages (handlers/conversation)
    "conv.sent_to_requester": ("Sent to {requester} as a comment on {ref}.",
                               "已作为 {ref} 的评论发给 {requester}。"),
    "conv.internal_noted": ("Internal note added to {ref}: the requester does not see it.",
                            "已在 {ref} 添加内部备注：提单人看不到。"),
    "conv.to_desk": ("Added to {ref}; {department} hears it.", "已加入 {ref}，{department}会收到。"),
    "conv.recorded": (
        "Noted in {ref}'s history. Only the requester and {department} talk to each other "
        "here; to reach them, ask the requester to add you. For a need of your own, type "
        "`{open}` and what you need.",
        "已记入 {ref} 的处理记录。此处只有提单人与{department}互相对话；如需联系，请让提单人转达。"
        "如您自己也有需要，请输入 `{open}` 加上您的需求。"),
    "conv.choose": (
        "You have {n} open requests. Which one is this about?\n“{text}”\n"
        "Tap one, or type `/request add <ID> {held}`.",
        "您有 {n} 个进行中的请求，这条消息是关于哪一个的？\n“{text}”\n"
        "请点选，或输入 `/request 加入 <单号> {held}`。"),
    "conv.choose.more": ("(the {shown} newest of {n}; `/request list` shows all)",
                         "（共 {n} 个，显示最新的 {shown} 个；输入 `/request 列表` 查看全部）"),
    "conv.small_talk.thanks": ("You're welcome!", "不客气！"),
    "conv.small_talk.hello": ("Hello!", "您好！"),
    "conv.small_talk.ok": ("Noted.", "好的。"),
    "conv.small_talk.one": (
        "{lead} I haven't passed this on to the desk. To add something to {ref}, just write "
        "it here.",
        "{lead}这条消息没有转给处理人员。如需补充 {ref}，直接在这里写明内容即可。"),
    "conv.small_talk.several": (
        "{lead} I haven't passed this on to any desk. To add something to one of your {n} "
        "open requests, start with its id, e.g. `{ref} …`.",
        "{lead}这条消息没有转给处理人员。如需补充您的 {n} 个进行中的请求之一，请以单号开头，"
        "例如 `{ref} …`。"),
    "conv.small_talk.none": (
        "{lead} When you need anything, type `/request` to see every department's services.",
        "{lead}需要帮忙时，输入 `/request` 查看各部门的服务。"),
    "conv.solved_open": (
        "Glad it's solved! I haven't passed this on to the desk: {refs} are still open. If "
        "you no longer need them, type:\n{commands}",
        "很高兴问题已解决！这条消息没有转给处理人员：{refs} 仍在处理中。如不再需要，请输入：\n"
        "{commands}"),
    "conv.solved_open.one": (
        "Glad it's solved! I haven't passed this on to the desk: {refs} is still open. If "
        "you no longer need it, type:\n{commands}",
        "很高兴问题已解决！这条消息没有转给处理人员：{refs} 仍在处理中。如不再需要，请输入：\n"
        "{commands}"),
    "conv.solved_open.answered": (" (the service's instructions answered it)",
                                  "（服务说明已解答您的问题）"),
    "conv.already_added": ("That message was already added to {ref}; nothing changed.",
                           "这条消息已经加入 {ref}，未做更改。"),
    "err.held_not_found": (
        "I have no waiting message {held} from you. Send it again, or type "
        "`/request comment <ID> <text>`.",
        "没有找到您待归入的消息 {held}。请重新发送，或输入 `/request 评论 <单号> <内容>`。"),
    "err.need_held": (
        "Which message? Type `/request add {ref} <number>`, with the number I gave you.",
        "请指明哪条消息：输入 `/request 加入 {ref} <编号>`（我给出的编号）。"),
    "event.thread_reply": ("replied in the thread", "在话题中回复"),
    "event.dm_reply": ("replied in chat", "在私聊中回复"),
    "event.internal_note": ("wrote an internal note", "写了内部备注"),
    # --- fields and times
    "field.state": ("State", "状态"),
    "field.department": ("Department", "部门"),
    "field.category": ("Service", "服务"),
    "field.priority": ("Priority", "优先级"),
    "field.requester": ("Requester", "提单人"),
    "field.assignee": ("Assignee", "处理人"),
    "field.opened": ("Opened", "提交时间"),
    "field.first_due": ("First response", "首次响应"),
    "field.resolution_due": ("Resolution", "解决时限"),
    "field.resolution": ("Resolution note", "解决说明"),
    "due.in": ("{when} (in {left})", "{when}（剩余 {left}）"),
    "due.overdue": ("{when} (overdue {late})", "{when}（已超时 {late}）"),
    "due.now": ("{when} (due now)", "{when}（现在到期）"),
    "due.met_at": ("answered {when}", "已于 {when} 响应"),
    "due.paused": ("{when} if answered now (paused while waiting)",
                   "{when}（等待答复中，暂停计时；此为现在答复时的时限）"),
    "due.first": ("first response {due}", "首次响应 {due}"),
    # --- lists
    "list.title": ("Your requests:", "您提交的请求："),
    "list.empty": (
        "You have no requests yet. Type `/request` to see what you can ask for.",
        "您还没有提交过请求。输入 `/request` 查看可以申请的服务。",
    ),
    "list.page": ("Page {page} of {pages} ({total} in all). Add a page number for more.",
                  "第 {page}/{pages} 页（共 {total} 条），加页码查看更多。"),
    "list.page_last": ("Page {page} of {pages} ({total} in all).",
                       "第 {page}/{pages} 页（共 {total} 条）。"),
    "list.form": ("You have an unfinished {service} form ({department}). To go on, type the "
                  "{field}; to drop it, type `cancel`.",
                  "您有一份未填完的{service}表单（{department}）。继续填写请直接输入{field}；"
                  "放弃请输入“取消”。"),
    "list.form.reply": ("You have an unfinished {service} form ({department}). To go on, "
                        "answer my last question; to drop it, type `cancel`.",
                        "您有一份未填完的{service}表单（{department}）。继续填写请回答我上一个"
                        "问题；放弃请输入“取消”。"),
    "err.page_past_end": (
        "There is no page {page}: {total} in all fit on {pages}. Type `{command}` for the last.",
        "没有第 {page} 页：共 {total} 条，{pages} 页。输入 `{command}` 查看最后一页。"),
    "list.sep": (", ", "、"),
    "queue.title": ("Open requests for {department}, most urgent first:",
                    "{department}待处理请求（最紧急的在前）："),
    "queue.empty": ("{department} has no open requests. Nice work!", "{department}没有待处理的请求，干得好！"),
    # --- requests whose desk or service left the config
    "queue.orphans": (
        "Open requests whose desk or service is no longer in the config ({n}). Move each with "
        "`/request transfer ID DEPARTMENT [SERVICE]` or withdraw it with `/request cancel ID`:",
        "所属部门或服务已从配置中删除的待处理请求（{n} 条）。请用 `/request 转交 单号 部门 [服务]` "
        "转给现有部门，或用 `/request 取消 单号` 撤销：",
    ),
    "desk.gone": ("{department} (no longer in the config)", "{department}（已从配置中删除）"),
    "service.gone": ("{service} (no longer offered)", "{service}（已停用的服务）"),
    "err.desk_gone": (
        "{ref} belongs to `{department}`, a department no longer in the config, so it has no "
        "targets to change. Move it first: `/request transfer {ref} DEPARTMENT`.",
        "{ref} 所属的部门 `{department}` 已从配置中删除，无法调整时限。请先转交："
        "`/request 转交 {ref} 部门`。",
    ),
    "err.service_gone": (
        "{ref}'s service `{service}` is no longer offered, so it has no targets to change. "
        "Move it to a current service first, e.g. `/request transfer {ref} {department} "
        "{example}`.",
        "{ref} 的服务 `{service}` 已停用，无法调整时限。请先转到现有服务，例如 "
        "`/request 转交 {ref} {department} {example}`。",
    ),
    "show.history": ("History:", "处理记录："),
    "show.purged": (
        "The details, comments and files of this request were removed after the retention "
        "period; its times, states and rating are kept.",
        "此请求已超过保留期限，其详情、评论和附件已删除；时间、状态和评分仍保留。"),
    "catalog.title": ("Departments and their services:", "各部门提供的服务："),
    "catalog.how": (
        "Open a request: `/request <department> <service> <details>`, "
        "e.g. `{example}`.",
        "提单：`/request <部门> <服务> <说明>`，例如 `{example}`。",
    ),
    "catalog.department": ("{department} offers:", "{department}提供以下服务："),
    "catalog.line": (
        "• {name} (`/request {dep} {cat} …`), {priority}: first response within {first}, "
        "resolution within {resolution}",
        "• {name}（`/request {dep} {cat} …`），{priority}：{first}内首次响应，{resolution}内解决",
    ),
    # --- audit event names
    "event.opened": ("opened it", "提交"),
    "event.acknowledged": ("acknowledged", "受理"),
    "event.assigned": ("assigned it", "指派"),
    "event.waiting": ("asked the requester", "提问并等待"),
    "event.resumed": ("resumed", "恢复处理"),
    "event.resolved": ("resolved", "解决"),
    "event.confirmed": ("confirmed", "确认"),
    "event.reopened": ("reopened", "重开"),
    "event.cancelled": ("cancelled", "取消"),
    "event.commented": ("commented", "评论"),
    "event.transferred": ("transferred", "转交"),
    "event.rated": ("rated", "评分"),
    # --- help
    "help.text": (
        "crossdesk — ask any department for a service and follow it to the end.\n"
        "• `/request` — the catalog of departments and services\n"
        "• `/request <department> <service> <details>` — open a request (`!urgent` raises priority)\n"
        "• `/request list` — your requests · `/request queue` — your department's queue · "
        "`/request home` — both at a glance · `/request scorecard` — every desk's figures\n"
        "• `/request show ID` — details and history\n"
        "• For the department: `ack ID`, `assign ID PERSON|me`, `wait ID question`, "
        "`resume ID`, `resolve ID note`, `transfer ID DEPARTMENT`, "
        "`propose ID {ex_date} solution` (a new date or solution), `priority ID P1-P4`, "
        "`snooze ID 2h`\n"
        "• For the requester: `comment ID text`, `confirm ID`, `reopen ID reason`, "
        "`cancel ID`, `rate ID 1-5 comment`, `answered ID` (the instructions answered it); "
        "a proposal: `accept ID`, `decline ID reason`, "
        "`counter ID date`\n"
        "• For approvers: `approve ID`, `reject ID reason`; "
        "`away until {ex_date} delegate PERSON`, `back`\n"
        "• `/suggest <department> <idea>` — a suggestion (`--anon` for anonymous)\n"
        "• Just talk: a plain message to me goes to your open request (with several, I ask "
        "which, or start it with the ID: `{ex_ref} …`); on Slack a reply under my message about a request, or in its thread, is a "
        "comment on it\n"
        "• An internal note, only the department sees it: `comment ID // text` (`(internal)` "
        "works as `//` does); in a Slack thread, a reply that starts with `//`\n"
        "• In a Slack thread (slash commands don't work there) start a command with a mention "
        "of me or the word `request`: `@crossdesk ack ID`, `request ack ID`\n"
        "• `/request add ID N` — add the message N I kept for you (I give N) to request ID · "
        "`/request service ID SERVICE` — pick another service of the same department",
        "crossdesk —— 向任何部门申请服务，并全程跟进。\n"
        "• `/request` —— 查看各部门的服务目录\n"
        "• `/request <部门> <服务> <说明>` —— 提单（加 `!紧急` 提高优先级）\n"
        "• `列表` —— 我提交的请求 · `队列` —— 本部门待处理 · `主页` —— 一览 · `记分卡` —— 各部门指标\n"
        "• `查看 单号` —— 详情和处理记录\n"
        "• 处理部门：`受理 单号`、`指派 单号 人员|我`、`等待 单号 问题`、`继续 单号`、"
        "`解决 单号 说明`、`转交 单号 部门`、`提议 单号 日期 方案`、`优先级 单号 P1-P4`、`稍后 单号 2h`\n"
        "• 提单人：`评论 单号 内容`、`确认 单号`、`重开 单号 原因`、`取消 单号`、`评分 单号 1-5 评语`、"
        "`已解答 单号`（服务说明已解答）；"
        "答复方案：`接受 单号`、`拒绝 单号 原因`、`反提议 单号 日期`\n"
        "• 审批人：`批准 单号`、`驳回 单号 原因`；休假：`休假 至 {ex_date} 代理 人员`、`销假`\n"
        "• `/suggest <部门> <建议>` 或 `建议 <部门> <内容>` —— 提建议（加 `匿名` 可匿名）\n"
        "• 直接对话：发给我的普通消息会加入您进行中的请求（有多个时我会问是哪一个，或以单号开头：`{ex_ref} …`）；在 Slack 中，"
        "在我关于某个请求的消息下或在该请求的话题中回复即为评论\n"
        "• 内部备注（仅本部门可见）：`评论 单号 // 内容`（`（内部）` 与 `//` 作用相同）；"
        "在 Slack 话题中，以 `//` 开头回复即可\n"
        "• 在 Slack 话题中（那里不能用斜杠命令），命令以 @我 或 `请求` 开头："
        "`@crossdesk 受理 单号`、`请求 受理 单号`\n"
        "• `加入 单号 N` —— 把我为您保存的消息 N（编号由我给出）加入该请求 · "
        "`服务 单号 服务` —— 改为本部门的另一项服务",
    ),
    # --- sweep: nudges, reminders, thanks
    "target.first": ("first response", "首次响应"),
    "target.resolution": ("resolution", "解决"),
    "nudge.nobody": ("unassigned", "未指派"),
    "nudge.header.person": ("Reminder: {n} requests need your attention, worst first:",
                            "提醒：有 {n} 个请求需要您处理（最紧急的在前）："),
    "nudge.header.person.one": ("Reminder: 1 request needs your attention:",
                                "提醒：有 1 个请求需要您处理："),
    "nudge.header.channel": ("Reminder for {department}: {n} requests need attention, worst first:",
                             "{department}提醒：有 {n} 个请求需要处理（最紧急的在前）："),
    "nudge.header.channel.one": ("Reminder for {department}: 1 request needs attention:",
                                 "{department}提醒：有 1 个请求需要处理："),
    "nudge.line.warn": ("• {ref} {title} — {target} due in {time} · {owner} · requester {requester}",
                        "• {ref} {title} —— {target}剩余 {time} · {owner} · 提单人 {requester}"),
    "nudge.line.breach": ("• {ref} {title} — {target} overdue {time} · {owner} · requester {requester}",
                          "• {ref} {title} —— {target}已超时 {time} · {owner} · 提单人 {requester}"),
    "nudge.line.due_now": ("• {ref} {title} — {target} is due now · {owner} · requester {requester}",
                           "• {ref} {title} —— {target}现在到期 · {owner} · 提单人 {requester}"),
    "nudge.header.still_overdue": ("Still overdue: {n}, worst first:",
                                   "仍然超时：{n} 个（最严重的在前）："),
    # the escalations of someone away reach their delegate (handlers/sweep_rules.covered)
    "nudge.covering": ("You are covering for {who}:", "您正在代理{who}的工作："),
    "nudge.covering.one": ("{name} (away until {until})", "{name}（休假至 {until}）"),
    "nudge.line.escalate": (
        "• ⚠ escalated to you (level {step}): {ref} {title} — {target} overdue {time} · {owner} · requester {requester}",
        "• ⚠ 升级至您（第 {step} 级）：{ref} {title} —— {target}已超时 {time} · {owner} · 提单人 {requester}"),
    "remind.waiting": (
        "{department} is waiting for your answer on {ref} ({title}): {question}\n"
        "Reply with `/request comment {ref} <your answer>`.",
        "{department}正在等待您对 {ref}（{title}）的回复：{question}\n请回复 `/request 评论 {ref} <您的回答>`。"),
    "auto.closed": (
        "{ref} ({title}) was closed because there was no answer for {after}. "
        "Still need it? Reopen it: `/request reopen {ref} <reason>`.",
        "{ref}（{title}）因 {after}内未收到回复已自动关闭。如仍需处理，请重开：`/request 重开 {ref} <原因>`。"),
    "auto.closed_desk": ("{ref} closed automatically: no answer from the requester.",
                         "{ref} 因提单人未回复已自动关闭。"),
    "auto.confirmed": (
        "{ref} ({title}) was resolved {after} ago and is now closed. "
        "Not solved? Reopen it: `/request reopen {ref} <reason>`.",
        "{ref}（{title}）已解决超过 {after}，现已自动关闭。如未解决，请重开：`/request 重开 {ref} <原因>`。"),
    "auto.confirmed_desk": ("{ref} closed automatically: the requester did not confirm in time.",
                            "{ref} 提单人未及时确认，已自动关闭。"),
    "thanks.requester": (
        "Thank you for working with {department} on {ref} ({title}) — {helper} took care of it. "
        "How did we do? Tap a rating, or type `/request rate {ref} 5 <comment>`; tags help too: {tags}.",
        "感谢您与{department}一起完成 {ref}（{title}），由 {helper} 为您处理。对这次服务满意吗？请点选评分，或输入 `/request 评分 {ref} 5 <评语>`；也可加标签：{tags}。"),
    "thanks.requester_rated": (
        "Thank you for working with {department} on {ref} ({title}) — {helper} took care of it, "
        "and thank you for your rating.",
        "感谢您与{department}一起完成 {ref}（{title}），由 {helper} 为您处理，也感谢您的评分。"),
    "thanks.helper": (
        "Thank you, {helper}! You helped {requester}{home}: {ref} ({title}) is closed.",
        "谢谢您，{helper}！您帮助了 {requester}{home}：{ref}（{title}）已完成。"),
    "rate.reminder": (
        "A quick rating of {ref} ({title}) helps {department} serve you better: tap a star, "
        "or `/request rate {ref} 1-5 <comment>`.",
        "请花几秒为 {ref}（{title}）评分，帮助{department}改进服务：点选星级，或输入 `/request 评分 {ref} 1-5 <评语>`。"),
    "event.auto_closed": ("closed it automatically (no answer)", "自动关闭（未回复）"),
    "event.auto_confirmed": ("closed it automatically (not confirmed)", "自动确认关闭"),
    "event.snoozed": ("snoozed reminders", "推迟提醒"),
    "reply.snoozed": ("Reminders for {ref} are paused until {until}.", "{ref} 的提醒已推迟到 {until}。"),
    "err.bad_snooze": (
        "Snooze for how long? e.g. `/request snooze {ref} 2h`; also `30m`, `1.5h`, `1d` "
        "(at most {limit}).",
        "请写明推迟多久，例如 `/request 稍后 {ref} 2h`，也可写 `30分钟`、`半小时`、`1.5小时`、"
        "`1天`（最多 {limit}）。"),
    "err.snooze_too_long": ("You can snooze {ref} for at most {limit}.", "{ref} 最多只能推迟 {limit}。"),
    "err.bad_priority": ("Priority is P1 (critical) to P4 (low), e.g. `/request priority {ref} P2`.",
                         "优先级为 P1（紧急）到 P4（低），例如 `/request 优先级 {ref} P2`。"),
    "err.bad_priority_mark": (
        "“{given}” is not a priority mark: priority is !P1 (critical), !P2 (high), "
        "!P3 (normal) or !P4 (low), and `!urgent` raises the service's own one step. "
        "Nothing was opened.",
        "“{given}”不是优先级标记：优先级为 !P1（紧急）、!P2（高）、!P3（普通）或 !P4（低），"
        "`!紧急` 把该服务的默认优先级提高一级。未提交任何请求。"),
    "reply.priority": ("{ref} is now {priority}; first response: {first_due}; resolution: {resolution_due}.",
                       "{ref} 优先级已改为 {priority}；首次响应：{first_due}；解决时限：{resolution_due}。"),
    "note.priority": ("{by} changed the priority of {ref} ({title}) to {priority}; resolution by {resolution_due}.",
                      "{by} 将 {ref}（{title}）的优先级改为 {priority}；解决时限 {resolution_due}。"),
    "event.priority": ("changed priority", "修改优先级"),
    "action.priority": ("change the priority of", "修改优先级"),
    "past.priority": ("re-prioritised", "修改优先级"),
    # --- digests and scorecard
    "digest.title": ("📊 {department} — week {week} ({start} to {end})", "📊 {department}周报 · {week}（{start} 至 {end}）"),
    "digest.volume": ("Requests: {received} received ({change} vs last week){moved}, {closed} closed{cancelled}, {open} still open, {overdue} overdue now",
                      "请求：收到 {received} 个（较上周 {change}）{moved}，关闭 {closed} 个{cancelled}，仍未完成 {open} 个，当前超时 {overdue} 个"),
    "digest.volume_week_end": ("Requests: {received} received ({change} vs last week){moved}, {closed} closed{cancelled}; at the week's end {open} still open, {overdue} of them overdue",
                               "请求：收到 {received} 个（较上周 {change}）{moved}，关闭 {closed} 个{cancelled}；本周结束时仍未完成 {open} 个，其中超时 {overdue} 个"),
    "digest.speed": ("Speed (business time): first response median {fm}, p90 {f90}; resolution median {rm}, p90 {r90}",
                     "速度（工作时间）：首次响应中位数 {fm}，P90 {f90}；解决中位数 {rm}，P90 {r90}"),
    "digest.sla": ("SLA met: first response {first}{ft}; resolution {res}{rt}",
                   "时限达成率：首次响应 {first}{ft}；解决 {res}{rt}"),
    "digest.trend": (" ({prev} vs last week, {avg} vs 4-week average)", "（较上周 {prev}，较四周均值 {avg}）"),
    "digest.ratings": ("Satisfaction: {avg}★ from {n} ratings, {rate} of closed requests rated · {dist}",
                       "满意度：{avg}★，共 {n} 个评分，评分率 {rate} · {dist}"),
    "digest.ratings.one": ("Satisfaction: {avg}★ from 1 rating, {rate} of closed requests rated · {dist}",
                           "满意度：{avg}★，共 1 个评分，评分率 {rate} · {dist}"),
    "digest.no_ratings": ("Satisfaction: no ratings this week", "满意度：本周暂无评分"),
    "digest.top_services": ("Top services: {items}", "热门服务：{items}"),
    "digest.customers": ("Our internal customers: {items}", "我们的内部客户：{items}"),
    "digest.outside": ("Outside any department", "部门外"),  # requesters in no department
    "digest.confidential_customer": ("confidential", "保密"),  # no department shown
    "digest.cancelled": (", {n} cancelled by the requester", "，{n} 个由提出人取消"),
    "digest.overdue_title": ("Overdue now, worst first:", "当前超时（最严重的在前）："),
    "digest.overdue_title_week_end": ("Overdue at the week's end, worst first:", "本周结束时超时（最严重的在前）："),
    "digest.overdue_line": ("  {ref} {title} — overdue {late} · {owner}", "  {ref} {title} —— 已超时 {late} · {owner}"),
    "digest.suggestions": ("Suggestions received: {n}", "收到建议：{n} 条"),
    "digest.transferred_out": (", {n} of them transferred to another desk", "，其中 {n} 个已转交其他部门"),
    "digest.empty_week": ("A quiet week: no requests.", "本周很安静：没有请求。"),
    "scorecard.title": ("🏆 Service scorecard — week {week}", "🏆 服务记分卡 · {week}"),
    "scorecard.line": ("{rank}. {department}: {requests} · first response {first} · resolution {res} · {rating} · score {score} {trend}",
                       "{rank}. {department}：{requests} · 首次响应 {first} · 解决 {res} · {rating} · 综合 {score} {trend}"),
    "scorecard.idle": ("No requests this week: {departments}", "本周无请求：{departments}"),
    "scorecard.formula": ("Score = {w}% timeliness (average of both SLA rates) + {s}% satisfaction ((stars − 1) / 4).",
                          "综合分 = {w}% 及时性（两项时限达成率的平均）+ {s}% 满意度（(星级 − 1) / 4）。"),
    "scorecard.formula_rule": ("A desk with no rating or no target due gets no score and is listed after the scored ones.",
                               "没有评分或没有到期时限的部门不计综合分，列在计分部门之后。"),
    "scorecard.line_unscored": ("— {department}: {requests} · first response {first} · resolution {res} · {rating} · not scored",
                                "— {department}：{requests} · 首次响应 {first} · 解决 {res} · {rating} · 不计分"),
    "scorecard.unscored": ("Not scored: {departments} (a score needs both ratings and a target due; on one part alone it would not compare)",
                           "不计分：{departments}（综合分需同时有评分和到期时限，只凭一项无法公平比较）"),
    "err.need_suggestion_reply": ("Answer a suggestion with `/suggest reply <number> <your answer>`.",
                                  "回复建议请输入 `/suggest 回复 <编号> <回复内容>`。"),
    "err.suggestion_not_found": ("There is no suggestion #{id} for your department.",
                                 "您的部门没有编号为 #{id} 的建议。"),
    "err.suggestion_leads_only": ("Only the leads of {department} may answer suggestion #{id}.",
                                  "只有{department}负责人可以回复建议 #{id}。"),
    "reply.suggestion_answered": ("Your answer to suggestion #{id} was sent.", "已回复建议 #{id}。"),
    "note.suggestion_answer": ("{department} answered your suggestion #{id} (“{text}”):\n{answer}",
                               "{department}回复了您的建议 #{id}（“{text}”）：\n{answer}"),
    # --- Slack's own interface words (modals, forms, App Home)
    "slack.modal.new.title": ('New request', '新请求'),
    "slack.modal.submit": ('Submit', '提交'),
    "slack.modal.cancel": ('Cancel', '取消'),
    "slack.modal.close": ('Close', '关闭'),
    "slack.modal.reply.title": ('crossdesk', 'crossdesk'),
    "slack.modal.action.title": ('{ref}', '{ref}'),
    "slack.form.department": ('Department', '部门'),
    "slack.form.department.placeholder": ('Choose a department', '选择部门'),
    "slack.form.category": ('Service', '服务'),
    "slack.form.category.placeholder": ('Choose a service', '选择服务'),
    "slack.form.details": ('What do you need?', '需要办理什么？'),
    "slack.form.details.hint": ("The first line becomes the title (left empty: the service's name).", '第一行将作为标题（留空则用服务名称）。'),
    "slack.form.details.more": ('What do you need? (continued)', '需要办理什么？（续）'),
    "slack.form.details.more.hint": (
        'Your text is longer than one box holds ({limit} characters), so it continues here. '
        'A request takes at most {most} characters of details.',
        '内容超过一个输入框的上限（{limit} 个字符），余下部分在此继续。请求详情最多 {most} 个字符。'),
    "slack.form.details.more.cut": (
        'The text did not fit even here: its last {left} characters were left out. A request '
        'takes at most {most} characters of details: shorten it, or put it in a document and '
        'paste a link.',
        '此处仍放不下全部内容，最后 {left} 个字符未能显示。请求详情最多 {most} 个字符：请精简，'
        '或把长材料放在文档里贴链接。'),
    "slack.form.priority": ('Priority', '优先级'),
    "slack.form.priority.placeholder": ("The service's default", '按服务默认'),
    "slack.form.attachment": ('Attachment note', '附件说明'),
    "slack.form.attachment.hint": ('A link, or where to find the file.', '链接，或文件存放位置。'),
    "slack.form.attachment.prefix": ('Attachment', '附件'),
    "slack.form.instructions": ("The service's instructions", '服务说明'),
    "slack.form.answered": ('This answered my question', '已解答我的问题'),
    "slack.form.answered.title": ('Glad it helped', '很高兴帮到您'),
    "slack.form.answered.text": (
        'Glad the instructions answered your question: no request was opened. If you still '
        'need help, type `/request` again.',
        '很高兴服务说明解答了您的问题，未提交请求。如仍需帮助，请再次输入 `/request`。'),
    "slack.form.field.choose": ('Choose one', '请选择'),
    "slack.form.field.date": ('Pick a date', '选择日期'),
    "slack.form.field.person": ('Pick someone', '选择人员'),
    "slack.form.field.files": ('Files', '附件'),
    "slack.form.field.amount.currency": (
        'The amount with its currency, e.g. {example} (a number alone is {currency}).',
        '金额及其币种，例如 {example}（只填数字则为 {currency}）。'),
    "settle.approved": ('{by} approved', '{by} 已批准'),
    "settle.rejected": ('{by} rejected', '{by} 已驳回'),
    "settle.withdrawn": ('The desk withdrew the proposal', '办理方已撤回方案'),
    "settle.lapsed": ('The proposal lapsed', '方案已过期'),
    # a desk proposal's lapse told late (the sweep caught up after downtime): when it lapsed
    "neg.lapsed_late": (
        "The proposal on your request {ref} ({title}) lapsed without an answer on {when}. "
        "{target}.",
        "您的请求 {ref}（{title}）的方案未获答复，已于 {when} 失效。{target}。"),
    "neg.lapsed_desk_late": (
        "{ref} ({title}): the requester did not answer the proposal within {after}; it "
        "lapsed on {when}. {target}.",
        "{ref}（{title}）：提单人 {after}内未答复方案，方案已于 {when} 失效。{target}。"),
    # a greyed card's "✓ <who> · <label>" for a command typed instead of clicked: the label
    # of the button it stands for, as a click shows it (a verb for commands with no button)
    "settle.label.ack": ('Acknowledge', '受理'),
    "settle.label.assign": ('Assign', '指派'),
    "settle.label.wait": ('Ask requester', '提问'),
    "settle.label.resume": ('Resume', '继续处理'),
    "settle.label.resolve": ('Resolve', '解决'),
    "settle.label.confirm": ("Confirm, it's solved", '确认已解决'),
    "settle.label.reopen": ('Reopen', '重开'),
    "settle.label.cancel": ('Cancel', '取消'),
    "settle.label.transfer": ('Transfer', '转交'),
    "settle.label.rate": ('Rate', '评分'),
    "settle.label.answered": ('This answered my question', '已解答我的问题'),
    "settle.label.approve": ('Approve', '批准'),
    "settle.label.reject": ('Reject', '驳回'),
    "settle.label.accept": ('Accept', '接受'),
    "settle.label.decline": ('Decline', '拒绝'),
    "settle.label.counter": ('Counter', '反提议'),
    "slack.clicked": ('✓ You chose “{label}”', '✓ 你已选择「{label}」'),
    "slack.still_working": ('Still working on it (the desk is slow right now); the answer follows here shortly.', '正在处理（服务台当前较慢），结果稍后在此显示。'),
    "slack.input.note": ('Resolution note', '解决说明'),
    "slack.input.reason": ('Why reopen it?', '重开原因'),
    "slack.input.question": ('Your question for the requester', '向提单人提的问题'),
    "slack.input.text": ('Text', '内容'),
    "slack.input.comment": ('Comment (optional)', '评语（可选）'),
    "slack.input.stars": ('Stars', '星级'),
    "slack.input.person": ('Person', '人员'),
    "slack.input.changes": ('What to change, as field=value',
                            '要修改的内容，写成 字段=值'),
    # a button's command as a person types it (handlers.slots.as_typed): its <slots>
    "slot.question": ("<question>", "<问题>"),
    "slot.note": ("<note>", "<说明>"),
    "slot.reason": ("<reason>", "<原因>"),
    "slot.why": ("<reason>", "<原因>"),
    "slot.stars": ("<stars>", "<星级>"),
    "slot.comment": ("[comment]", "[评语]"),  # optional: in brackets, as the texts write it
    "slot.counter.comment": ("[note]", "[说明]"),  # a counter-proposal's words, not a rating's
    "slot.date": ("<date>", "<日期>"),
    "slot.details": ("<details>", "<说明>"),  # what a new request is about
    "slot.text": ("<text>", "<方案>"),
    "slot.changes": ("<field>=<value> …", "<字段>=<值> …"),
    "slot.field": ("<field>", "<字段>"),
    "slot.number": ("<number>", "<序号>"),
    "slot.service": ("<service>", "<服务>"),
    "slot.me": ("me", "我"),  # assign … me
    "slack.reaction.ask": ('{ref}: press "{action}" below and write the text.', '{ref}：请点击下方的“{action}”并填写内容。'),
    "slack.reaction.not_now": ('Your reaction changed nothing: "{action}" on {ref} is not open to you now. Type /request show {ref} to see what you can do.', '您的表情未做任何更改：您当前不能对 {ref} 执行“{action}”。输入 /request show {ref} 查看可做的操作。'),
    "slack.reaction.form": ('Make a request from this message?', '要用这条消息提交请求吗？'),
    "slack.reaction.form.button": ('Make a request', '提交请求'),
    "slack.button.new": ('New request', '新建请求'),
    "slack.home.title": ('crossdesk — your service desk', 'crossdesk 服务台'),
    "slack.status.line": ('*State:* {state} · *Owner:* {owner}', '*状态：* {state} · *处理人：* {owner}'),
    "slack.thread.link": ('<{url}|Open the request thread>', '<{url}|查看处理线程>'),
    # --- crossdesk report
    "report.title": ('Service report {first} – {last} ({tz})', '服务报告 {first} 至 {last}（{tz}）'),
    "report.scorecard": ('Scorecard, best combined score first', '记分卡（综合分从高到低）'),
    "report.columns": ('#|Department|Requests|First response|Resolution|Rating|Score|Trend', '#|部门|请求|首次响应|解决|评分|综合分|趋势'),
    "report.trend": ('Trend: score against the previous {days} days ({first} – {last}).', '趋势：综合分与之前 {days} 天（{first} 至 {last}）相比。'),
    "report.map": ('Internal service map: requests opened (average rating given), requesting → serving', '内部服务地图：新开请求数（给出的平均评分），提出部门 → 服务部门'),
    "report.pair": ('{src} → {dst}: {n} {what}{stars}', '{src} → {dst}：{n} 个请求{stars}'),
    "report.none": ('No requests in this period.', '本期没有请求。'),
    "report.idle": ('No requests in this period: {departments}', '本期无请求：{departments}'),
    "report.unscored": ('Not scored: {departments} (a score needs both ratings and a target due in the period)', '不计分：{departments}（综合分需本期同时有评分和到期时限）'),
    "report.corner": ('From ↓ to →', '提出 ↓ 服务 →'),
    "report.company": ('Company', '全公司'),
    "report.charts": ('Last 8 weeks, whole company', '全公司近 8 周'),
    # --- digest and report charts
    "chart.received": ('Requests received', '收到请求'),
    "chart.first": ('First response on time', '首次响应达标'),
    "chart.resolution": ('Resolved on time', '按时解决'),
    "chart.rating": ('Average rating (1–5)', '平均评分（1–5）'),
    "chart.requests": ('Requests', '请求数'),
    "chart.sla": ('On time', '达标率'),
    "chart.stars": ('Rating ★', '评分 ★'),
    "chart.trend": ('{label} — last {n} weeks ({first} to {last})', '{label} · 近 {n} 周（{first} 至 {last}）'),
    "chart.map": ('Internal service map: requests (average rating)', '内部服务地图：请求数（平均评分）'),
    "chart.requesting": ('Requesting department', '提出部门'),
    "chart.serving": ('Serving department', '服务部门'),
    "chart.empty": ('No requests in this period', '本期没有请求'),
    # --- delivery refused for good (to the admins)
    "confidential.new": (
        "New confidential request {ref}: its details are not shown here. Only {who} may open "
        "it with `/request show {ref}`.",
        "新的保密请求 {ref}：详情不在此显示。仅{who}可用 `/request 查看 {ref}` 查看。"),
    "confidential.update": (
        "{ref} (confidential) changed; only {who} may open it with `/request show {ref}`.",
        "{ref}（保密）有更新；仅{who}可用 `/request 查看 {ref}` 查看。"),
    "confidential.file": (
        "{ref} (confidential): a file was added; only {who} may open the request with "
        "`/request show {ref}`.",
        "{ref}（保密）新增了一个文件；仅{who}可用 `/request 查看 {ref}` 查看该请求。"),
    "confidential.requester": ("the requester", "提单人"),
    "confidential.staff": ("the staff of {department}", "{department}成员"),
    "confidential.admins": ("the admins", "管理员"),
    "confidential.title": ("(confidential)", "（保密）"),
    "err.confidential": (
        "{ref} is confidential: only {who} may open it. Please ask them if you need to know.",
        "{ref} 为保密请求：仅{who}可以查看。如需了解，请向他们询问。"),
    "note.reveal_anonymous": (
        "🔓 {who} exported who sent {n} anonymous suggestions ({ids}) on {when}. This is "
        "recorded; as an admin you are told of every such export.",
        "🔓 {who} 于 {when} 导出了 {n} 条匿名建议（{ids}）的提交人。此操作已记录；"
        "每次这样的导出都会通知各位管理员。"),
    "note.reveal_anonymous.one": (
        "🔓 {who} exported who sent 1 anonymous suggestion ({ids}) on {when}. This is "
        "recorded; as an admin you are told of every such export.",
        "🔓 {who} 于 {when} 导出了 1 条匿名建议（{ids}）的提交人。此操作已记录；"
        "每次这样的导出都会通知各位管理员。"),
    "delivery.unreachable": (
        "⚠️ Messages to {target} cannot be delivered and will not be retried (this one about "
        "request {ref}): no enabled platform reaches them. Add their Slack or WeCom id (or the "
        "desk's channel) to the config, and tell the people concerned another way. You hear "
        "of each such target once a day.",
        "⚠️ 发往 {target} 的消息无法送达，且不会再重试（本条关于单号 {ref}）：没有已启用的平台能送达。"
        "请在配置中添加其 Slack 或企业微信 ID（或部门的群/频道），并用其他方式通知相关人员。"
        "每个这样的目标每天只提醒一次。",
    ),
    "delivery.crashed": (
        "⚠️ A message could not be sent and will not be retried: request {ref}, to {target}. "
        "crossdesk itself failed on it ({reason}; the log has the details), not the platform. "
        "Please report it, and tell the people concerned another way.",
        "⚠️ 有一条消息无法发送，且不会再重试：单号 {ref}，发往 {target}。是 crossdesk 自身处理"
        "出错（{reason}，详情见日志），而非平台拒绝。请报告此问题，并用其他方式通知相关人员。",
    ),
    "delivery.refused": (
        "⚠️ A message could not be delivered and will not be retried: request {ref}, to "
        "{target}, refused by the platform ({reason}). Please fix the target (channel, "
        "membership, user id) and tell the people concerned another way.",
        "⚠️ 有一条消息无法送达，且不会再重试：单号 {ref}，发往 {target}，被平台拒绝（{reason}）。"
        "请检查目标（群/频道、成员、用户 ID），并用其他方式通知相关人员。",
    ),
    # --- service forms (handlers/fields.py, handlers/form_chat.py)
    "form.err.empty": ("{field} is empty; please type a value, e.g. {example}.",
                       "{field}不能为空，请输入一个值，例如 {example}。"),
    "form.err.number": ("{field} must be a number, e.g. {example}.",
                        "{field}须为数字，例如 {example}。"),
    "form.err.decimals": ("{field} takes at most two decimals, e.g. {example}.",
                          "{field}最多保留两位小数，例如 {example}。"),
    "form.err.separator": (
        "{field}: “{given}” can be read more than one way (commas and spaces go only between "
        "groups of three digits, a point before the decimals); please write {suggest}.",
        "{field}：“{given}”有歧义（逗号或空格只用于每三位数字分隔，小数请用点号），"
        "请写成 {suggest}。"),
    "form.err.min": ("{field} must be at least {min}.", "{field}不能小于 {min}。"),
    "form.err.max": ("{field} must be at most {max}.", "{field}不能大于 {max}。"),
    "form.err.before": ("{field} ({given}) is before {other} ({day}); type a date on or "
                        "after it, e.g. {day}.",
                        "{field}（{given}）早于{other}（{day}），请填写不早于它的日期，例如 {day}。"),
    "form.err.date": ("{field} must be a date, e.g. {example} (or today, yesterday, "
                      "tomorrow).",
                      "{field}须为日期，例如 {example}（或 今天、昨天、明天）。"),
    "form.err.choice": ("{field}: “{given}” is not an option; choose one of: {example}.",
                        "{field}：没有“{given}”这个选项，请从中选择：{example}。"),
    "form.err.person": (
        "{field}: I know nobody called “{given}”; type their name, an @mention or their id, "
        "e.g. {example}.",
        "{field}：找不到“{given}”，请输入对方的姓名、@ 提及或 ID，例如 {example}。"),
    "form.err.person_ambiguous": (
        "{field}: “{given}” could be several people. Which one? Type one of:\n{choices}",
        "{field}：“{given}”对应多个人，请问是哪一位？请输入以下之一：\n{choices}"),
    "form.err.department": (
        "{field}: there is no department called “{given}”; e.g. {example}.",
        "{field}：没有叫“{given}”的部门，例如 {example}。"),
    "form.err.too_long": ("{field} is too long ({length} characters; at most {limit}).",
                          "{field}太长（{length} 个字符，最多 {limit} 个）。"),
    "form.err.pattern": ("{field} does not look right; e.g. {example}.",
                         "{field}格式不对，例如 {example}。"),
    "form.err.file": ("{field} is a file: please send it in this chat instead of typing.",
                      "{field}是文件：请直接在对话中发送文件，不要输入文字。"),
    "form.err.twice": ("{field} is given more than once: {values}. Please type it once, "
                       "e.g. `{retype}`.",
                       "{field}填了不止一次：{values}。请只填一次，例如 `{retype}`。"),
    "form.err.unknown_name": (
        "{service} has no field called “{word}”: did you mean {close}? Its fields: {fields}. "
        "Write them as name=value, e.g. {example}. Nothing was opened.",
        "{service}没有叫“{word}”的字段，您是想填{close}吗？可填字段：{fields}。请写成 名称=值，"
        "例如 {example}。未提交任何请求。"),
    # a platform form: what is still to choose or fill in
    "form.err.no_department": ('Choose a department.', '请选择部门。'),
    "form.err.no_category": ("Choose one of {department}'s services.",
                             '请选择{department}的一项服务。'),
    "form.err.wrong_category": (
        '{department} does not offer this service; choose one of its own.',
        '{department}不提供这项服务，请从该部门的服务中选择。'),
    "form.err.required": ('Please fill this in.', '请填写此项。'),
    "form.err.unknown_person": (
        "{field}: this person is not in the desk's directory; pick someone else, or ask an "
        "admin to add them.",
        '{field}：此人不在服务台的人员名录中，请选择其他人，或请管理员添加。'),
    "form.err.refused": ("Nothing was opened:\n{problems}\nPlease send the request again with "
                         "that fixed.",
                         "未提交任何请求：\n{problems}\n请修改后重新提交。"),
    "form.start": (
        "{service} needs a few details first. Nothing goes to {department} until they are "
        "all given; type `cancel` to stop.",
        "{service}还需要几项信息。填完之前不会发给{department}；输入“取消”可随时停止。"),
    "form.instructions_first": (
        "{department} says: {text}\nIf this answers your question, type `answered` and "
        "nothing is opened.",
        "{department}提示：{text}\n如果这已解答了您的问题，请输入“已解答”，不会提交请求。"),
    "form.ask": ("Please give the {field}, e.g. {example}.", "请填写{field}，例如 {example}。"),
    "form.ask.choice": ("Please choose the {field}: {choices}.", "请选择{field}：{choices}。"),
    "form.ask.file": ("Please send the {field} here as a file ({example}).",
                      "请在此发送{field}文件（{example}）。"),
    "form.file_kept": ("{files} will be attached when the request opens.",
                       "{files} 将在请求提交时一并添加。"),
    "form.file_fills": ("{files} is your {field}: it will be attached when the request opens.",
                        "{files} 已作为{field}，将在请求提交时一并添加。"),
    "form.changed": ("{field} is now {value}.", "{field}已改为 {value}。"),
    "form.set_aside": (
        "Your unfinished {service} form was set aside: one form is filled at a time. To "
        "start it again later, type `{command}`.",
        "您未填完的{service}表单已放下（每次只能填写一份表单）。如需稍后重新填写，请输入 "
        "`{command}`。"),
    "form.question_gone": (
        "The {service} form changed while you were filling it in: the question I asked last "
        "is no longer on it.",
        "{service}表单在您填写期间有所调整：我上次问的问题已不再需要回答。"),
    "form.answer_kept": (
        "Nothing you sent is lost: your answer “{text}” stays with the request, so "
        "{department} will see it.",
        "您发送的内容不会丢失：您的回答“{text}”会随请求一并提交，{department}可以看到。"),
    "form.answer_kept.opened": (
        "Your answer “{text}” is kept with {ref}, so {department} will see it; to add or "
        "correct anything, type `/request comment {ref} …`.",
        "您的回答“{text}”已随 {ref} 保存，{department}可以看到；如需补充或更正，请输入 "
        "`/request 评论 {ref} …`。"),
    "form.cancelled": ("Stopped: no {service} request was opened.",
                       "已停止：未提交{service}请求。"),
    "form.answered": ("Glad that helped: no {service} request was opened.",
                      "很高兴问题已解答：未提交{service}请求。"),
    "form.expired": (
        "Your {service} form was not finished within a day, so I dropped it; nothing was "
        "opened. Type `{command}` to start again.",
        "您的{service}表单一天内未填完，已作废，未提交任何请求。如需重新填写，请输入 `{command}`。"),
    "form.button.answered": ("This answered my question", "已解答我的问题"),
    "form.example.text": ("a few words", "几个字"),
    "form.example.long_text": ("a sentence or two", "一两句话"),
    "form.example.number": ("3", "3"),
    "form.example.date": ("{day}, {month_day}", "{day}、{month_day}"),
    "form.example.file": ("a photo or PDF", "照片或 PDF"),
    # a chat form whose service or department left the config (handlers/form_gone.py), or
    # whose kept answer no longer fits its changed field (handlers/form_changes.py)
    "form.service_gone": (
        "{department} no longer offers {service}: it was taken off the list while you were "
        "filling in its form, so nothing was opened.",
        "{department}已不再提供 {service}：您填写表单期间该服务已停用，因此未提交任何请求。"),
    "form.desk_gone": (
        "{department} is no longer a department here: it was taken off the list while you "
        "were filling in its {service} form, so nothing was opened.",
        "{department} 已不再是服务台的部门：您填写其 {service} 表单期间该部门已被移除，"
        "因此未提交任何请求。"),
    "form.gone.given": ("Nothing you sent is lost. What you gave, by question:",
                        "您发送的内容不会丢失。您填写的内容如下："),
    "form.gone.details": ("Details", "说明"),
    "form.gone.kept": (
        "I kept all of it as message {held}: once your new request is open, type "
        "`/request add <ID> {held}` to add it there.",
        "以上内容已保存为消息 {held}：新请求提交后，输入 `/request 加入 <单号> {held}` "
        "即可添加到该请求。"),
    "form.gone.kept_files": (
        "I kept all of it, with {files}, as message {held}: once your new request is open, "
        "type `/request add <ID> {held}` to add it there.",
        "以上内容连同 {files} 已保存为消息 {held}：新请求提交后，输入 "
        "`/request 加入 <单号> {held}` 即可添加到该请求。"),
    "form.gone.nearest": (
        "To ask {department} for {service} instead, send (change what you like): `{command}`",
        "如需改为向{department}申请{service}，请发送（可按需修改）：`{command}`"),
    "form.gone.services": (
        "{department} now offers: {services}. To ask for one, send "
        "`/request {dep} <service>{rest}` with that service in place of <service>.",
        "{department}现有服务：{services}。如需申请，请发送 `/request {dep} <服务>{rest}`，"
        "并把 <服务> 换成所需的服务。"),
    "form.gone.departments": (
        "The departments now: {departments}. To ask one of them, send "
        "`/request <department> <service>{rest}`, naming the department and the service you "
        "need (`/request <department>` lists a department's services).",
        "现有部门：{departments}。如需申请，请发送 `/request <部门> <服务>{rest}`，并换成实际的"
        "部门和服务（输入 `/request <部门>` 可查看其服务）。"),
    "form.answer_misfit": (
        "The {service} form changed after you answered it: your {field} “{text}” no longer "
        "fits, so I ask again.",
        "{service}表单在您填写后有所调整：您填写的{field}“{text}”已不再适用，请重新填写。"),
    "form.ask.skip": ("Or type `skip` to leave it out.", "也可输入“跳过”，不填此项。"),
    "form.button.skip": ("Skip", "跳过"),
    "form.skipped": ("Left out: {field}.", "已跳过：{field}。"),
    # a form that expired after its service or department left the config (form_gone.expired),
    # and `skip` typed for a required field (form_chat)
    "form.expired.service_gone": (
        "Your {service} form was not finished within a day, so I dropped it; nothing was "
        "opened. {department} no longer offers {service}: it was taken off the list meanwhile.",
        "您的{service}表单一天内未填完，已作废，未提交任何请求。{department}已不再提供 "
        "{service}：该服务已在此期间停用。"),
    "form.expired.desk_gone": (
        "Your {service} form was not finished within a day, so I dropped it; nothing was "
        "opened. {department} is no longer a department here: it was taken off the list "
        "meanwhile.",
        "您的{service}表单一天内未填完，已作废，未提交任何请求。{department} 已不再是服务台的"
        "部门：该部门已在此期间被移除。"),
    "form.skip_required": (
        "{field} is needed for this request, so it cannot be left out; please give it, or "
        "type `cancel` to stop.",
        "{field}是此请求的必填项，不能跳过；请填写，或输入“取消”停止填写。"),
    # --- files shared on requests (handlers/attachments.py)
    "field.files": ("Files", "附件"),
    "event.file": ("attached a file", "添加了附件"),
    "event.internal_file": ("attached a file to an internal note", "在内部备注中添加了附件"),
    "file.attached": ("{file} is attached to {ref}.", "{file} 已添加到 {ref}。"),
    "file.fetching": (
        "{file} is being fetched and will be attached to {ref} in a moment.",
        "正在获取 {file}，稍后会添加到 {ref}。"),
    "file.shared": ("{file} from {who} on {ref}", "{who} 在 {ref} 中发送了 {file}"),
    "file.refused_type": (
        "{name} was not attached: files of type {mime} are not accepted. Please send one of "
        "these instead: {types} (or paste the text).",
        "{name} 未添加：不接受 {mime} 类型的文件。请改为发送以下类型之一：{types}（或直接粘贴文字）。"),
    "file.too_big": (
        "{name} was not attached: it is {size}, and the desk keeps files up to {limit}. "
        "Please send a smaller file, or a link to it.",
        "{name} 未添加：文件大小为 {size}，服务台最多保存 {limit} 的文件。请发送更小的文件，或发送文件链接。"),
    "file.failed": (
        "{file} could not be attached to {ref}: {reason}. Please send it again.",
        "{file} 未能添加到 {ref}：{reason}。请重新发送。"),
    "file.state.fetching": ("fetching…", "获取中…"),
    "file.state.failed": ("failed: {reason}", "失败：{reason}"),
    "file.state.purged": ("removed after the retention period", "已超过保留期限，已删除"),
    "file.expired": (
        "it could not be fetched within the {days} days the platform keeps it ({error})",
        "平台只保留 {days} 天，期间未能获取（{error}）"),
    "file.gone": ("the platform no longer has it ({error})", "平台上已没有这个文件（{error}）"),
    "file.external": ("it is a link to a file kept outside the chat (e.g. a cloud drive); "
                      "upload the file itself instead",
                      "它是存放在聊天工具之外的文件链接（如云盘）；请直接上传文件本身"),
    # --- service forms shown; instructions; deflections (field_lines, instructions, deflection)
    "button.answered": ("This answered my question", "已解答我的问题"),
    "instructions.title": ("Before you wait, the service's instructions:", "办理前请先阅读服务说明："),
    "instructions.hint": (
        "If they answer your question, press “This answered my question” or type "
        "`/request answered {ref}`: the request is withdrawn.",
        "如果说明已解答您的问题，请点击“已解答我的问题”或输入 `/request 已解答 {ref}`，"
        "请求将撤回。"),
    "reply.answered": ("Glad the instructions helped: {ref} is withdrawn.",
                       "很高兴服务说明帮到了您：{ref} 已撤回。"),
    "note.answered": ("{by} withdrew {ref} ({title}): the service's instructions answered it.",
                      "{by} 撤回了 {ref}（{title}）：服务说明已解答其问题。"),
    "err.answered_not_requester": (
        "Only the requester, {requester}, may say the instructions answered {ref}. "
        "Nothing was changed.",
        "只有提单人 {requester} 才能表示服务说明已解答 {ref}。未做任何更改。"),
    "err.answered_too_late": (
        "{department} has already taken up {ref}, so it stays open. To withdraw it, type "
        "`/request cancel {ref}`.",
        "{department}已开始处理 {ref}，请求保持不变。如需撤回，请输入 `/request 取消 {ref}`。"),
    "err.answered_done": ("{ref} is already {state}: there is nothing to withdraw.",
                          "{ref} 已是“{state}”状态，无需撤回。"),
    "err.answered_no_instructions": (
        "{ref}'s service has no instructions that could have answered it. To withdraw it, "
        "type `/request cancel {ref}`.",
        "{ref} 所属的服务没有服务说明。如需撤回，请输入 `/request 取消 {ref}`。"),
    "event.answered_by_instructions": ("the instructions answered it", "服务说明已解答"),
    "report.amounts": ("Amounts asked, per service (requests opened in the period)",
                       "各服务申请金额（本期新开请求）"),
    "report.amount_columns": ("Department|Service|Field|Total|Requests",
                              "部门|服务|字段|合计|请求数"),
    "report.confidential": ("Confidential (requester not shown)", "保密请求（不显示提出部门）"),
    "report.digest_so_far": ("{week} is not over: figures so far, to {moment}",
                             "{week} 尚未结束：截至目前（{moment}）的数据"),
    "digest.services_title": ("By service:", "按服务："),
    "digest.service_line": ("• {service}: {parts}", "• {service}：{parts}"),
    "digest.amount_requests": ("{n} requests, {amounts}", "{n} 个请求，合计 {amounts}"),
    "digest.amount_request": ("1 request, {amounts}", "1 个请求，合计 {amounts}"),
    "digest.count_requests": ("{n} requests", "{n} 个请求"),
    "digest.count_request": ("1 request", "1 个请求"),
    "digest.deflections": ("the instructions answered {n} questions",
                           "服务说明解答了 {n} 个问题"),
    "digest.deflection": ("the instructions answered 1 question", "服务说明解答了 1 个问题"),
    # --- intake channels (handlers/intake.py)
    "intake.opened": (
        "{ref} is open for {requester}: {department}, {service}. First response by "
        "{first_due}, resolution by {resolution_due}. Replies in this thread go to the request.",
        "已为 {requester} 创建 {ref}：{department}，{service}。首次响应截止 {first_due}，"
        "解决截止 {resolution_due}。在本话题中的回复都会记入该请求。"),
    "intake.pick": (
        "Another service? Tap it, or type `/request service {ref} <service>` (e.g. {example}).",
        "不是这项服务？请点选，或输入 `/request 服务 {ref} <服务>`（例如 {example}）。"),
    "err.intake_unknown": (
        "{channel} is not the help channel of any department; ask an admin to check "
        "`intake_channel` in the config.",
        "{channel} 不是任何部门的求助频道；请管理员检查配置中的 `intake_channel`。"),
    "err.need_service": (
        "Which service? Type `/request service {ref} <service>`; `/request` lists them.",
        "请指明服务：输入 `/request 服务 {ref} <服务>`；输入 `/request` 查看服务目录。"),
    "err.service_needs_opening": (
        "{service} needs its own form or approval, so {ref} cannot move there. The requester "
        "opens it with: {command} …",
        "“{service}”需要填写表单或审批，{ref} 不能改到这项服务。请提单人用以下命令另行提单：{command} …"),
    "err.unknown_service": (
        "{ref}'s desk has no service “{word}”. Pick one of: {services}.",
        "{ref} 所在部门没有“{word}”这项服务。可选：{services}。"),
    "reply.service": (
        "{ref} is now {service}; first response: {first_due}; resolution: {resolution_due}.",
        "{ref} 已改为{service}；首次响应：{first_due}；解决时限：{resolution_due}。"),
    "err.service_confidential": (
        "{ref} is confidential, so it can only move to another confidential service; nothing "
        "was changed. {department}'s other confidential services:\n{choices}",
        "{ref} 是保密请求，只能改为其他保密服务，未做更改。{department}的其他保密服务：\n{choices}"),
    "err.service_confidential_none": (
        "{ref} is confidential, and {department} has no other confidential service, so its "
        "service stays as it is; nothing was changed.",
        "{ref} 是保密请求，而{department}没有其他保密服务，因此服务保持不变，未做更改。"),
    "service.choice": ("• {service} — `/request service {ref} {word}`",
                       "• {service} — `/request 服务 {ref} {word}`"),
    "reply.service_same": ("{ref} already is {service}; nothing changed.",
                           "{ref} 已经是{service}，未做更改。"),
    "thread.service": (
        "{by} set the service to {service}; first response: {first_due}; resolution: "
        "{resolution_due}.",
        "{by} 将服务改为{service}；首次响应：{first_due}；解决时限：{resolution_due}。"),
    "note.service": ("{by} set the service of {ref} ({title}) to {service}.",
                     "{by} 将 {ref}（{title}）的服务改为{service}。"),
    "action.service": ("change the service of", "更改服务"),
    "past.service": ("given a new service", "更改服务"),
    "event.service_changed": ("changed the service", "更改了服务"),
    "file.robot_too_big": (
        "The file above is too big for this group's robot (it takes files up to {limit}), so "
        "only its notice is here: type `/request show {ref}` to the app to see the request's "
        "files, or ask the sender for a link.",
        "上面的文件超出本群机器人的上限（最多 {limit}），此处只有通知：请在应用中输入 "
        "`/request 查看 {ref}` 查看该请求的附件，或请发送人提供链接。"),
    "conv.kept_files": (
        "I kept {files} (message {held}) — you have no open request yet. To attach it, open "
        "one with `/request <department> <service> <details>`, then type "
        "`/request add <ID> {held}`.",
        "已保存 {files}（消息 {held}）——您目前没有进行中的请求。如需添加到请求中，请先用 "
        "`/request <部门> <服务> <说明>` 提单，再输入 `/request 加入 <单号> {held}`。"),
    "conv.files_not_kept": (
        "{files} was not attached: this command takes no files. Send it with "
        "`/request comment <ID> <text>` once the request is open, or on its own in this chat.",
        "{files} 未添加：该命令不带附件。请在单创建后随 `/request 评论 <单号> <内容>` 发送，"
        "或在此对话中单独发送。"),
    "conv.files_not_kept_failed": (
        "{files} was not kept either: send it again with the corrected command.",
        "{files} 也未保存：请在修正命令后重新发送。"),
    # --- WeCom: a reply too long for one member's minute, and buttons too narrow for a label
    "wecom.still_working": (
        "Still working on it (the desk is slow right now); the answer will follow in this "
        "chat. If none comes within a minute, please send it again.",
        "正在处理（服务台当前较慢），结果稍后会发到这里。如果一分钟内没有收到，请再发送一次。"),
    "wecom.left_out": (
        "⋯ {chars} characters are left out here: in WeCom a reply is at most {parts} "
        "messages. ⋯",
        "⋯ 此处省略 {chars} 字：企业微信中一条回复最多分 {parts} 条消息发送。⋯"),
    "button.short.ack": ("Ack", "受理"),
    "button.short.assign_me": ("Assign me", "指派给我"),
    "button.short.wait": ("Ask them", "提问"),
    "button.short.confirm": ("Solved", "确认已解决"),
    "button.short.answered": ("Answered", "已解答"),
    "button.short.neg_accept": ("Accept", "接受"),
    # --- a card with no room for every command; a history with no room for every event
    "wecom.card.more": ("▸ … and {n} more: see the text message",
                        "▸ …另有 {n} 项，见文字消息"),
    "show.earlier": (
        "… {n} earlier events are left out here, for want of room; an admin can export them "
        "all (crossdesk export --what events).",
        "⋯ 篇幅所限，此处省略了更早的 {n} 条记录；如需查看全部，可请管理员导出"
        "（crossdesk export --what events）。"),
}

from handlers.approval_texts import TEXTS as _APPROVAL_TEXTS  # noqa: E402 - the approval flow's

TEXTS.update(_APPROVAL_TEXTS)

from handlers.negotiation_texts import TEXTS as _NEGOTIATION_TEXTS  # noqa: E402 - negotiation

TEXTS.update(_NEGOTIATION_TEXTS)
