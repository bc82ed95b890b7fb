"""Text rules on the procedure (流程): registration steps, documents only on site, attendance, originals,
lots, price floors, site visits, discretionary scoring. Sources: 招标投标法实施条例 第二十七、二十八条;
招标投标领域公平竞争审查规则 第八条第四项, 第十条第三、四项; 发改法规规〔2022〕1117号 （三）（五）.
"""

from __future__ import annotations

from fairbid.domain.rules.finding import Severity
from fairbid.domain.rules.law import rule_of
from fairbid.domain.rules.lexicon import GAP, compiled
from fairbid.domain.rules.text import TextRule

__all__ = ["PROCESS_RULES"]

_BLOCK, _WARN = Severity.BLOCK, Severity.WARN
_PERSON = r"(?:法定代表人|法人代表|项目经理|项目负责人|技术负责人|授权委托人|委托代理人)"
_TENDER_DOC = r"(?:招标文件|采购文件|资格预审文件|磋商文件|谈判文件)"

PROCESS_RULES: tuple[TextRule, ...] = (
    TextRule(
        rule_of("X08", "设置报名环节", law="1117号", article="（三）", severity=_BLOCK),
        compiled(
            r"报名"
            rf"|获取{_TENDER_DOC}{GAP}{{0,12}}?(?:须|应|需|必须)(?:先)?(?:提交|提供|出示|携带|查验)"
            rf"|(?:提交|提供|出示|携带|凭){GAP}{{0,20}}?(?:方可|才能|后方可)(?:获取|领取|购买|下载){_TENDER_DOC}"
            rf"|(?:注册|登记|备案){GAP}{{0,6}}?(?:后方可|方可|才能|才可)(?:参[加与])?投标"
        ),
        "依法必须招标的项目不得设置报名环节：请删除报名要求，招标文件应可直接获取。",
        anchor=compiled(r"报名|招标文件|采购文件|资格预审文件|磋商文件|谈判文件|注册|登记|备案"),
    ),
    TextRule(
        rule_of("X09", "要求法定代表人等特定人员到场", law="审查规则", article="第十条第四项", severity=_BLOCK),
        compiled(
            rf"{_PERSON}{GAP}{{0,12}}?(?:须|必须|应当?|需|要求)(?:本人)?(?:亲自)?(?:到场|出席|到达现场|现场参加|亲自参加|参加开标|携带)"
            rf"|(?:须|必须|应当?)由?{_PERSON}(?:本人)?{GAP}{{0,10}}?(?:到场|出席|亲自|现场签到)"
        ),
        "要求法定代表人、项目负责人等特定人员到场：不见面开标下请删除。",
        anchor=compiled(r"法定代表人|法人代表|项目经理|项目负责人|技术负责人|委托人|代理人"),
    ),
    TextRule(
        rule_of(
            "X11", "以抽签、摇号等方式确定中标人或分配市场", law="审查规则", article="第八条第四项", severity=_BLOCK
        ),
        compiled(
            rf"(?:抽签|摇号|抓阄|随机抽取|随机确定)(?!{GAP}{{0,6}}(?:K|k|系数|专家|评委|评标委员)){GAP}{{0,12}}?"
            r"(?:中标人|中标候选人|成交供应商|入围|中选|排名|排序|名次|进入(?:详细)?评审|进入下一)"
            rf"|(?:中标人|中标候选人|入围投标人|成交供应商|排名|排序){GAP}{{0,8}}?(?:抽签|摇号|抓阄|随机抽取)"
            rf"|(?:抽签|摇号|抓阄){GAP}{{0,8}}?(?:决定|确定|分配)(?:承接|承包|服务|中标)?(?:区域|标段|片区)"
            rf"|(?:进入|参加|参与)摇号|(?:摇中|抽中){GAP}{{0,4}}?(?:为|即为|确定为)?(?:中标|成交)"
        ),
        "以抽签、摇号等方式确定入围、中标人或分配标段：请改为按评标结果排序，并列时按价格、技术分等规则确定。",
        anchor=compiled(r"抽签|摇号|抓阄|随机|摇中|抽中"),
    ),
    TextRule(
        rule_of("X17", "设最低投标限价或以标底作为条件", law="条例", article="第二十七条", severity=_BLOCK),
        compiled(
            r"最低投标限价|最低限价|最低控制价|投标报价下限|报价下限|低于标底[^。；;\n]{0,14}?(?:否决|无效|废标|不予)"
            rf"|标底{GAP}{{0,8}}?(?:作为|为){GAP}{{0,4}}?(?:中标|否决|评标)(?:的参考)?条件"
        ),
        "不得规定最低投标限价，标底不得作为中标或否决条件：请删除。",
        anchor=compiled(r"最低|下限|标底"),
    ),
    TextRule(
        rule_of("X19", "主观分酌情打分无分档", law="1117号", article="（五）", severity=_WARN),
        compiled(
            r"酌情(?:给分|打分|加分|扣分|减分|评分|赋分|计分)|由评委(?:酌情|自行)|凭(?:个人)?印象(?:给分|打分)|自行酌情"
        ),
        "“酌情”给分没有分档标准：请写明各档分值和对应条件。",
        anchor=compiled(r"酌情|自行|印象"),
    ),
    TextRule(
        rule_of("X20", "单独组织踏勘或以踏勘为投标条件", law="条例", article="第二十八条", severity=_BLOCK),
        compiled(
            rf"(?:单独|分别|个别|部分|特定){GAP}{{0,8}}?(?:踏勘|考察现场|现场考察)"
            rf"|(?:未|没有)(?:参加|参与){GAP}{{0,6}}?(?:踏勘|答疑会|标前会)[^。；;\n]{{0,12}}?(?:不得|不予|无效|否决|拒绝)"
            rf"|(?:踏勘|答疑会){GAP}{{0,8}}?(?:方可|才能)投标"
            rf"|(?:须|必须|应当?)参加{GAP}{{0,12}}?(?:踏勘|答疑会|标前会)[^。；;\n]{{0,12}}?(?:否则|无效|不得|否决|不予)"
            rf"|(?:凭|提供)踏勘(?:证明|记录)"
        ),
        "不得组织单个或部分潜在投标人踏勘，也不得以参加踏勘作为投标条件：请删除。",
        anchor=compiled(r"踏勘|考察|答疑会|标前会"),
    ),
    TextRule(
        rule_of("X24", "招标文件仅限现场获取", law="审查规则", article="第十条第四项", severity=_BLOCK),
        compiled(
            rf"{_TENDER_DOC}{GAP}{{0,12}}?(?:仅|只|须|必须)?(?:在|到){GAP}{{0,16}}?现场(?:发售|领取|购买|获取)"
            rf"|现场(?:发售|领取|购买|获取){_TENDER_DOC}"
            rf"|(?:到|至|前往){GAP}{{0,14}}?(?:现场)?(?:领取|购买|获取){_TENDER_DOC}"
            r"|不接受(?:邮购|网上购买|网上获取)"
        ),
        "招标文件只能到现场获取：请在交易平台提供免费下载，不要求到场。",
        anchor=compiled(r"招标文件|采购文件|资格预审文件|磋商文件|谈判文件|邮购|网上"),
    ),
    TextRule(
        rule_of("X25", "要求投标时提交原件", law="审查规则", article="第十条第三项", severity=_BLOCK),
        compiled(
            rf"(?:提供|提交|携带|出示|递交|查验|核验|带齐){GAP}{{0,10}}?原件(?!扫描|影印|的扫描|复印|照片|彩色扫描)"
            rf"|原件{GAP}{{0,4}}?(?:备查|核验|查验)"
        ),
        "投标环节要求提交或出示原件：可用告知承诺和事后核验代替。",
        exempt=compiled(r"中标后|事后核验|签订合同前|合同签订前"),
        anchor=compiled(r"原件"),
    ),
)
