"""The demo story, told through the console transcript."""

DEMO_SCRIPT = """\
# crossdesk demo — Monday 23 November 2026, Asia/Shanghai
@now 2026-11-23T09:05
# Henry (Sales) asks Finance, in Chinese, to reimburse a taxi ride to a client.
henry> /request 财务 报销 出租车去客户现场 86元
# Bob in Finance acknowledges, then asks a question: the clock pauses while Finance waits.
@now 2026-11-23T09:40
bob> /request 受理 FIN-1
bob> /request 等待 FIN-1 请补充发票照片
@now 2026-11-23T10:15
henry> /request 评论 FIN-1 发票已上传到共享盘 /finance/2026-11
@now 2026-11-23T14:00
bob> /request 解决 FIN-1 已报销，款项将于周五到账
henry> /request 确认 FIN-1
henry> /request show FIN-1
# Alice (Sales, English) asks IT for a laptop; Dave picks it up and Kevin resolves it.
@now 2026-11-23T15:00
alice> /request it laptop my screen flickers, need a replacement !urgent
dave> /request assign IT-1 kevin
kevin> /request ack IT-1
@now 2026-11-24T10:30
kevin> /request resolve IT-1 Replacement laptop is at the IT desk, data copied.
alice> /request confirm IT-1
alice> /request rate IT-1 5 quick and friendly
# Only IT may acknowledge IT requests: a polite refusal, and nothing changes.
alice> /request ack IT-1
"""
