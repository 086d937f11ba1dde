//! The store's own rules, each a variant worded for the user in Chinese: a change the
//! store refuses says which rule it broke, and callers (the web's error page, an import's
//! row report) match on the variant instead of on text.

use domain::union::organisation::UnionKind;
use domain::union::township::Township;

/// A change refused by a rule the store checks (the domain's own rules travel as their
/// own error types in [`crate::StoreError`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    // --- accounts and platform ---
    /// A login name outside the allowed characters or too long.
    #[error("用户名只能包含字母、数字、下划线、短横线和点，且不超过64位")]
    UsernameInvalid,
    /// A password shorter than eight characters.
    #[error("密码至少8位")]
    PasswordTooShort,
    /// A backup would overwrite an existing file.
    #[error("目标文件已存在：{0}")]
    BackupExists(String),

    // --- union ---
    /// The coverage rule's tracking threshold lies above its must-found threshold.
    #[error("跟踪人数下限不能高于必须建会的人数下限")]
    CoverageThresholds,
    /// A year no calendar has.
    #[error("年份无效")]
    YearInvalid,
    /// Township staff registering an enterprise of another township.
    #[error("只能登记本乡镇（街道）的企业")]
    EnterpriseOutsideTownship,
    /// Township staff moving an enterprise into another township.
    #[error("不能把企业移到其他乡镇（街道）")]
    EnterpriseMovedAway,
    /// A person's name left empty.
    #[error("请填写姓名")]
    NameMissing,
    /// A union's name left empty.
    #[error("请填写工会名称")]
    UnionNameMissing,
    /// Township staff moving a member into another township's union.
    #[error("只能转入本乡镇（街道）的工会；跨乡镇（街道）转会请由市总工会办理")]
    TransferOutsideTownship,
    /// Township staff creating a union in another township.
    #[error("只能在本乡镇（街道）新建工会")]
    UnionOutsideTownship,
    /// An enterprise that already has a union.
    #[error("{0}已有工会，无需重复组建")]
    EnterpriseHasUnion(String),
    /// No federation yet to hang a new enterprise union under.
    #[error("尚未建立市总工会或乡镇总工会，无法挂靠")]
    NoFederation,
    /// An enterprise put directly under a federation.
    #[error("企业应由企业工会或联合工会覆盖，不能直接挂在总工会")]
    CoveredByFederation,
    /// An enterprise covered by a union of another township.
    #[error("只能由本乡镇（街道）的工会覆盖")]
    CoveredFromOtherTownship,
    /// A reform date on anything but a township federation.
    #[error("只有乡镇总工会有“专+兼”改革生效日期")]
    ReformNotTownshipFederation,
    /// The city federation given a township.
    #[error("市总工会不属于任何乡镇（街道），所属乡镇应留空")]
    CityFederationInTownship,
    /// A union other than the city federation without a township.
    #[error("{}必须填写所属乡镇（街道）", .0.label())]
    TownshipMissing(UnionKind),
    /// A union whose township differs from its parent federation's.
    #[error("所属乡镇为{township}，但上级工会属于{}", .parent.map(|x| x.name()).unwrap_or("其他乡镇"))]
    TownshipDiffersFromParent {
        /// The union's township.
        township: Township,
        /// The parent federation's township.
        parent: Option<Township>,
    },
    /// A second city federation, or a second federation in one township.
    #[error("已有{}：{name}", .kind.label())]
    FederationExists {
        /// The federation's kind.
        kind: UnionKind,
        /// The existing federation's name.
        name: String,
    },
    /// A member who has left, asked to leave again.
    #[error("该会员已离会")]
    MemberAlreadyLeft,
    /// A member who has left, asked to transfer.
    #[error("该会员已离会，不能转会")]
    TransferAfterLeaving,
    /// A member changed by someone else between reading and writing (two forms at once).
    #[error("该会员记录刚被他人修改，请刷新页面后重试")]
    MemberChangedMeanwhile,
    /// Two records to merge that both hold the same place (a team, a sign-up, an
    /// enrolment, a festival visit): one must be withdrawn first.
    #[error("两条会员记录都有{0}，请先撤销其中一条后再合并")]
    MergeOverlap(&'static str),
    /// A transfer into the member's own union.
    #[error("转入工会与当前工会相同")]
    TransferToSameUnion,
    /// A transfer dated before the member joined.
    #[error("转会日期不能早于入会日期")]
    TransferBeforeJoining,
    /// Leaving dated before the member joined.
    #[error("离会日期不能早于入会日期")]
    LeaveBeforeJoining,

    // --- relocation ---
    /// A project code empty or too long.
    #[error("项目编号只能由字母、数字和短横线组成，不能为空且不超过40个字符")]
    ProjectCodeInvalid,
    /// A project without a name.
    #[error("项目名称不能为空")]
    ProjectNameMissing,
    /// A project without a town.
    #[error("所属镇不能为空")]
    ProjectTownMissing,
    /// A negative land area.
    #[error("征地面积不能为负")]
    LandNegative,
    /// A signing deadline before the project's start.
    #[error("签约期限不能早于开始日期")]
    DeadlineBeforeStart,
    /// A household code empty or too long.
    #[error("户编号不能为空，且不超过40个字符")]
    HouseholdCodeInvalid,
    /// A household without a head's name.
    #[error("户主姓名（企业名称）不能为空")]
    HeadNameMissing,
    /// A resident with a credit code, or an enterprise with a resident ID.
    #[error("住户应填身份证号，企业应填统一社会信用代码")]
    HeadIdDoesNotFitKind,
    /// A concerns record over the length limit.
    #[error("诉求记录不超过2000字")]
    ConcernsTooLong,
    /// A household member without a name or relation.
    #[error("成员姓名和与户主关系不能为空")]
    MemberFieldsMissing,
    /// A building without a certificate number.
    #[error("权证号不能为空（无证房屋请填“无证1”等编号）")]
    CertificateMissing,
    /// A negative building area.
    #[error("面积不能为负")]
    AreaNegative,
    /// An appraisal item without a description.
    #[error("评估项目名称不能为空")]
    AppraisalNameMissing,
    /// A negative appraisal.
    #[error("评估金额不能为负")]
    AppraisalNegative,
    /// A team person's name empty or too long.
    #[error("姓名不能为空，且不超过30个字")]
    PersonNameInvalid,
    /// A team person linked to an unknown login.
    #[error("用户不存在：{0}")]
    UnknownUser(String),
    /// A responsible person named without a group.
    #[error("指定责任人前请先指定工作组")]
    PersonWithoutGroup,
    /// A group of another project.
    #[error("工作组不属于本项目")]
    GroupOfOtherProject,
    /// A responsible person outside the chosen group.
    #[error("责任人不属于所选工作组")]
    PersonOutsideGroup,
    /// A visit dated in the future.
    #[error("走访日期不能晚于今天")]
    VisitInFuture,
    /// A visit without visitors.
    #[error("请填写走访人员")]
    VisitorsMissing,
    /// A meeting without attendees.
    #[error("请填写参会人员")]
    AttendeesMissing,
    /// A meeting case about a household of another project.
    #[error("讨论的户不属于本项目")]
    CaseOfOtherProject,
    /// An action item without content.
    #[error("待办事项内容不能为空")]
    ActionContentMissing,
    /// An action item already done.
    #[error("该事项已办结")]
    ActionAlreadyDone,
    /// A milestone dated in the future.
    #[error("{0}日期不能晚于今天")]
    MilestoneInFuture(&'static str),
    /// Undoing a milestone never recorded.
    #[error("尚未登记{0}，无需撤销")]
    MilestoneNotRecorded(&'static str),
    /// Signing before the project's standard is published.
    #[error("本项目尚未公布补偿标准，不能签约")]
    NoPublishedStandard,
    /// Signing while buildings await title verification.
    #[error("尚有房屋未确权（{0}），不能签约")]
    UnverifiedBuildings(String),
    /// Changing an agreement that does not exist.
    #[error("尚无签约协议")]
    NoAgreement,
    /// Publishing with no draft standard.
    #[error("没有待公布的补偿标准草稿")]
    NoDraftStandard,

    // --- resettlement flats and the choosing session ---
    /// Property exchange chosen where the standard offers none.
    #[error("本项目补偿标准未规定产权调换（安置面积与超面积单价），只能选择货币补偿")]
    NoExchangeTerms,
    /// Signing before the population review is confirmed, where the project requires it.
    #[error("本项目要求安置人口核定认定后方可签约")]
    PopulationNotConfirmed,
    /// A unit without a code.
    #[error("房源编号不能为空")]
    FlatCodeMissing,
    /// A unit without building or room.
    #[error("请填写幢号和室号")]
    FlatPlaceMissing,
    /// A unit with no positive area.
    #[error("面积必须大于0")]
    FlatAreaInvalid,
    /// Changing a chosen unit.
    #[error("房源{0}已被选定，不能修改；如需更改请由指挥长作废该选房记录")]
    FlatChosenUnchangeable(String),
    /// An action that needs a reason given none.
    #[error("请填写原因")]
    ReasonMissing,
    /// A seed commitment that is not a SHA-256 in hex.
    #[error("种子承诺值应为64位十六进制SHA-256")]
    CommitmentInvalid,
    /// Committing a second seed.
    #[error("本项目已公布种子承诺值，不能更换")]
    SeedAlreadyCommitted,
    /// Revealing before committing.
    #[error("尚未公布种子承诺值")]
    NoCommitment,
    /// A revealed seed that does not match its commitment.
    #[error("种子与事先公布的承诺值不符")]
    SeedMismatch,
    /// Revealing twice.
    #[error("种子已揭晓")]
    SeedAlreadyRevealed,
    /// Choosing before the session has started (seed revealed) or after it closed.
    #[error("选房尚未开始或已结束")]
    SessionNotOpen,
    /// A household not in the project's exchange series.
    #[error("户{0}不在本项目产权调换选房名单中（须选择产权调换并已签约、腾空）")]
    NotInSeries(String),
    /// A household called out of turn.
    #[error("未轮到户{household}：当前应由户{current}选房")]
    OutOfTurn {
        /// The household submitted.
        household: String,
        /// The household whose turn it is.
        current: String,
    },
    /// A household that has already chosen.
    #[error("户{0}已选房")]
    AlreadyChosen(String),
    /// A unit that is not of the kind asked for.
    #[error("{code}不是{kind}")]
    WrongFlatKind {
        /// The unit.
        code: String,
        /// The kind expected.
        kind: &'static str,
    },
    /// A unit that is reserved or void.
    #[error("房源{code}当前{state}，不可选")]
    FlatNotVacant {
        /// The unit.
        code: String,
        /// Its state.
        state: &'static str,
    },
    /// Area beyond the entitlement without the price difference accepted.
    #[error(
        "所选面积{chosen}㎡超出应安置面积{entitled}㎡，超出{excess}㎡需按标准补交差价{price}，请确认后再提交"
    )]
    BeyondEntitlement {
        /// Area chosen.
        chosen: String,
        /// Entitlement.
        entitled: String,
        /// Beyond.
        excess: String,
        /// Its price.
        price: String,
    },
    /// A choice already voided.
    #[error("该选房记录已作废")]
    ChoiceAlreadyVoided,

    // --- sunshine verification and care ---
    /// A re-review by someone who is not a member of the project's policy group.
    #[error("复审须由本项目综合政策组成员进行：您的账号未登记为该组组员，不能复审")]
    NotInPolicyGroup,
    /// An objection filed while the household's list is not posted.
    #[error("该户安置人口名单当前不在公示期，不能提出异议")]
    ListNotPosted,
}
