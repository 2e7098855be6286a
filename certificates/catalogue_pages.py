"""The body's public pages as shipped (ISO/IEC 17065 4.6; DESIGN.md "The
lifecycle", DOMAIN.md 5.3 and 5.7): a starting text in Chinese and English
that the managers rewrite for their own body. One loader for the data
migration and for the tests that empty the tables."""

from django.apps import apps as live_apps
from django.utils import timezone

PROCESS = "process"
FEES = "fees"
COMPLAINTS = "complaints"

PROCESS_ZH = """本机构依据 GB/T 27922《商品售后服务评价体系》及在其基础上建立的星级评价方案开展售后服务认证。认证是自愿的，申请、审核、决定和监督的每一步都按本页所述进行，不跳过任何步骤。

一、申请前的准备
申请组织应为依法设立、在中国境内合法经营的独立法人，近期未发生重大产品质量或售后服务事故；应已按 GB/T 27922 建立售后服务体系并有效运行不少于 3 个月，并完成内部自评。本网站提供按所选评价方案进行的在线自评。

二、提交申请
在本网站注册、创建或加入本组织后，选择评价方案和申请的星级，填写认证范围，上传营业执照、售后服务管理文件、服务网点清单等材料并提交申请。

三、申请评审
本机构审查申请资格和材料的完整性，通常在 10 个工作日内完成。材料不全时发出补充通知，申请组织在期限内补充后重新提交；不符合条件的申请予以退回并说明理由。

四、合同和预付款
申请受理后，本机构按公开的收费原则出具报价并发送认证合同。申请组织接受合同并支付预付款后，开始审核。

五、文件审核和现场审核
审核组先审查售后服务体系文件，需要时要求修改；文件审核通过后进行现场审核（通常 2 至 3 名审核员），包括现场核查和顾客回访，按评价方案逐项评分。审核员在被指派前声明与申请组织不存在利益冲突。

六、不符合项的整改
审核中发现的不符合项书面告知申请组织。申请组织在规定期限内整改并提交证据，由审核员验证；严重不符合须经跟踪审核验证。

七、认证决定
由未参加该申请任何审核的人员复核全部审核结果并作出认证决定；不予认证时书面说明理由。评定的星级不高于最终得分所达到的等级。

八、证书
认证通过后颁发证书，证书有效期 3 年，载明获证组织、认证范围、评价方案、星级、证书编号和有效期。任何人可在本网站按证书编号、组织名称加统一社会信用代码或扫描证书上的二维码查询证书状态。

九、年度监督
证书有效期内每 12 个月进行一次监督审核（工作量约为初次审核的三分之一）。监督结果可以是保持、降低星级、暂停或撤销证书。

十、再认证
证书到期前进入再认证窗口期（通常为到期前 3 个月），获证组织可在窗口期内申请再认证，程序与初次认证相同，星级可能变化；新证书颁发后原证书被替代。证书过期后须重新申请。

十一、暂停、撤销和注销
监督发现不符合且未按期整改、未按期接受监督、误用证书或认证标志等情形，证书将被暂停；暂停期间证书无效，不得用于宣传。暂停期满仍未恢复符合，或存在提供虚假材料、严重违反认证要求等情形，证书将被撤销。获证组织可申请注销证书。证书状态的变化在本网站公开。

十二、投诉和申诉
任何人可以就获证组织或本机构提出投诉；申请组织对认证决定不服的，可以提出申诉。详见“投诉和申诉”页面。"""

PROCESS_EN = """The body certifies after-sales service against GB/T 27922 "Evaluation system for after-sales service of commodities" and the star schemes built on it. Certification is voluntary; every step below is followed, none is skipped.

1. Before applying
The applicant is an independent legal person operating lawfully in mainland China, with no recent serious product-quality or after-sales failure. Its after-sales service system has been built to GB/T 27922 and operated for at least 3 months, and it has assessed itself. This website offers an online self-assessment against the chosen scheme.

2. Application
Register on this website, create or join your organisation, choose the scheme and the star level you apply for, describe the scope, upload the business licence, the after-sales service documents, the list of service outlets and the other materials, and submit.

3. Application review
The body checks eligibility and completeness, usually within 10 working days. When materials are missing it sends a supplement notice; you answer within the deadline and submit again. An application that does not qualify is returned with the reason.

4. Contract and prepayment
Once the application is accepted the body sends the quote, drawn from its published fee principles, and the certification contract. Evaluation starts when you have accepted the contract and paid the prepayment.

5. Document review and on-site audit
The audit team first reviews the after-sales service documents and may ask for revisions. Then the on-site audit (usually 2 to 3 auditors) checks the service on site and calls customers back, scoring each item of the scheme. Every auditor declares no conflict of interest with the applicant before being assigned.

6. Nonconformities
Nonconformities found are reported to the applicant in writing. The applicant corrects them within the deadline and gives evidence, which an auditor verifies; a major nonconformity needs a follow-up audit.

7. Certification decision
A person who took part in none of the application's audits reviews all the results and decides. A refusal is given with its reasons. The level granted is never higher than the final score reaches.

8. The certificate
The certificate is valid for 3 years. It names the certified organisation, the scope, the scheme, the star level, the certificate number and the validity. Anyone can check a certificate's status on this website by its number, by the organisation's name together with its unified social credit code, or by scanning the QR code printed on it.

9. Annual surveillance
While the certificate is valid a surveillance audit is held every 12 months (about a third of the initial audit's effort). Its outcome maintains the certificate, lowers the level, suspends or withdraws it.

10. Renewal
A renewal window opens before the certificate expires (usually 3 months before). Apply for renewal within it; the evaluation is done as for a first certification and the level may change. The new certificate supersedes the old one. After expiry the organisation applies anew.

11. Suspension, withdrawal and cancellation
A certificate is suspended when surveillance finds a nonconformity that is not corrected in time, when surveillance is not allowed or overdue, or when the certificate or the mark is misused. A suspended certificate is not valid and may not be advertised. When the suspension ends without conformity restored, or in case of false information or a serious breach of the certification requirements, the certificate is withdrawn. The holder may ask for its certificate to be cancelled. Every change of status is published on this website.

12. Complaints and appeals
Anyone may complain about a certified organisation or about the body; an applicant may appeal a certification decision. See the page "Complaints and appeals"."""

FEES_ZH = """本机构按公开、统一的收费原则收取认证费用，费用与认证结论无关：不因通过或不通过认证而增减费用，也不收取与结果挂钩的费用。

一、认证费
认证费由两部分组成：按申请组织员工人数所在档次确定的基础费，加上除第一个服务网点外每增加一个服务网点的费用；扩展星级评价方案可乘以该方案的系数。

二、报价和合同
申请受理后，本机构按下列收费标准计算报价，逐项列明并随认证合同发送。合同保留发出时的报价，之后收费标准的调整不影响已发出的合同。

三、预付款
申请组织接受合同后支付预付款（认证费的 30% 至 50%，比例见下表），审核在预付款到账后开始。

四、年度监督费
证书有效期内每年的监督审核按认证费的一定比例收费。

五、再认证
再认证按初次认证同样的方法计费。

六、其他
差旅等费用如需另行收取，在合同中事先列明。对收费有疑问的，可联系本机构或按“投诉和申诉”页面提出投诉。"""

FEES_EN = """The body charges by published, uniform fee principles. Fees do not depend on the outcome: nothing is charged more or less because certification is granted or refused, and no fee is tied to the result.

1. Certification fee
The certification fee is the base fee of the applicant's band of employees, plus a fee for each service outlet beyond the first; an extended star scheme may multiply it by the scheme's factor.

2. Quote and contract
Once an application is accepted, the body computes the quote from the schedule below, line by line, and sends it with the certification contract. The contract keeps the quote as it was sent: later changes to the schedule do not change it.

3. Prepayment
After accepting the contract the applicant pays the prepayment (30 % to 50 % of the certification fee; the current share is shown below). Evaluation starts once it is received.

4. Annual surveillance fee
Each year's surveillance audit while the certificate is valid is charged as a share of the certification fee.

5. Renewal
Renewal is charged in the same way as a first certification.

6. Other costs
Travel or other costs, where charged, are stated in the contract beforehand. For any question about fees contact the body, or file a complaint as described on the page "Complaints and appeals"."""

COMPLAINTS_ZH = """本机构依据 ISO/IEC 17065 第 7.13 条受理和处理投诉与申诉。提出投诉或申诉不会使提出人受到任何不利对待，相关信息予以保密。

一、谁可以投诉，投诉什么
任何人，无论是否在本网站注册，都可以就获证组织（例如误用证书或认证标志、售后服务与认证不符）或本认证机构的工作提出投诉。请在线填写投诉表，写明联系人姓名和电子邮箱（电话可选）及投诉内容；涉及获证组织的，请写明组织名称，知道证书编号的一并填写。

二、申诉
申请组织对认证决定（认证或不予认证、评定的星级）不服的，可以提出申诉。申请组织成员登录后，在该申请页面点击“对决定提出申诉”即可提交。同一申请同一时间只受理一项申诉。

三、处理步骤
1. 受理编号：提交后立即获得受理编号（投诉为 TS 开头，申诉为 SS 开头），并收到确认邮件。
2. 确认受理：本机构确认收到并受理。
3. 调查：由一名负责人开展调查，收集和核实必要的信息。
4. 决定：由负责调查的人员作出书面决定，结论为成立、部分成立或不成立，并说明理由。
5. 结案：告知处理结果后结案。
每一步都会通过站内通知或电子邮件告知提出人。

四、公正性
处理投诉和申诉的人员不得参与过所涉活动：申诉不由作出原认证决定的人员处理，也不由该申请任何审核组的成员处理；涉及获证组织的投诉，不由该证书申请的审核组成员或作出认证决定的人员处理。

五、向监管部门反映
对本机构的处理结果仍有异议的，可以向认证监督管理部门（国家市场监督管理总局、国家认证认可监督管理委员会）或所在地市场监督管理部门投诉或申诉。"""

COMPLAINTS_EN = """The body receives and handles complaints and appeals as ISO/IEC 17065 clause 7.13 requires. Nobody is treated less favourably for complaining or appealing, and what you tell the body is kept confidential.

1. Who may complain, and about what
Anyone, with or without an account on this website, may complain about a certified organisation (for example misuse of a certificate or of the certification mark, or after-sales service that no longer matches its certification) or about the body's own work. Fill in the complaint form online with a contact name and e-mail address (a phone number is optional) and describe the matter; for a certified organisation give its name and, if you know it, the certificate number.

2. Appeals
An applicant who disagrees with a certification decision (certified or not, the level granted) may appeal it. Members of the applicant's organisation sign in and use "Appeal the decision" on the application's page. One appeal per application is handled at a time.

3. The steps
1. Reference: on filing you get a reference at once (TS… for a complaint, SS… for an appeal) and a confirmation e-mail.
2. Acknowledgement: the body acknowledges the complaint or appeal.
3. Investigation: one person in charge investigates and gathers and checks the information needed.
4. Decision: the person who investigated decides in writing: upheld, partly upheld or not upheld, with the reasons.
5. Closure: the outcome is reported and the matter closed.
You are told of every step in the app or by e-mail.

4. Impartiality
Nobody handles a complaint or an appeal about an activity they took part in: an appeal is handled neither by the person who made the decision nor by anyone on the application's audit teams; a complaint about a certified organisation is handled neither by anyone on the audit teams of its certificate's application nor by the person who decided it.

5. The regulator
If you are still dissatisfied with the body's decision, you may complain or appeal to the certification regulator: the State Administration for Market Regulation (SAMR) and the Certification and Accreditation Administration (CNCA), or your local market regulation authority."""

SHIPPED_PAGES = [
    (PROCESS, "认证流程", "The certification process", PROCESS_ZH, PROCESS_EN),
    (FEES, "收费原则", "Fee principles", FEES_ZH, FEES_EN),
    (COMPLAINTS, "投诉和申诉", "Complaints and appeals", COMPLAINTS_ZH, COMPLAINTS_EN),
]


def load_public_pages(apps=None):
    """Create the shipped pages that are missing; never change existing ones
    (the managers' texts win)."""
    PublicPage = (apps or live_apps).get_model("certificates", "PublicPage")
    now = timezone.now()
    for position, (slug, title_zh, title_en, body_zh, body_en) in enumerate(SHIPPED_PAGES):
        PublicPage.objects.get_or_create(
            slug=slug,
            defaults={
                "position": position,
                "title_zh": title_zh,
                "title_en": title_en,
                "body_zh": body_zh,
                "body_en": body_en,
                "updated_at": now,
            },
        )
