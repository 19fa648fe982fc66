//! Header aliases, compared after [`normalize`](super::columns::normalize):
//! lower case, letters and digits only. Single-valued roles list the best
//! alias first; numbered roles list prefixes (and suffixes) around a column
//! number. Kept apart from the detection logic so the lists read as data.

pub const CLAIM_ID: &[&str] = &[
    "claimid", "clmid", "encounterid", "claimnumber", "claimno", "claimnbr", "claimidentifier",
    "encounternumber", "visitid",
];
pub const MEMBER_ID: &[&str] = &[
    "personid", "memberid", "patientid", "beneid", "mrn", "beneficiaryid", "enrolleeid",
    "membernumber", "patientnumber",
];
pub const SERVICE_DATE: &[&str] = &[
    "servicedate", "dos", "dateofservice", "fromdate", "servicefromdate", "claimstartdate",
    "clmfromdt", "claimfromdate", "startdate", "encounterdate", "visitdate", "admissiondate",
    "admitdate", "clmadmsndt",
];
pub const THROUGH_DATE: &[&str] = &[
    "throughdate", "thrudate", "todate", "servicetodate", "servicethroughdate", "claimenddate",
    "clmthrudt", "claimthroughdate", "claimthrudate", "claimtodate", "enddate", "dischargedate",
];
pub const BIRTH_DATE: &[&str] = &[
    "birthdate", "dob", "dateofbirth", "benebirthdt", "birthdt", "patientdob", "patientbirthdate",
    "memberdob", "memberbirthdate",
];
pub const AGE: &[&str] = &[
    "age", "patientage", "ageyears", "ageinyears", "ageatservice", "memberage",
];
pub const SEX: &[&str] = &[
    "sex", "gender", "benesexidentcd", "patientsex", "patientgender", "membersex", "membergender",
    "sexcode", "gendercode", "sexcd",
];
pub const CLAIM_TYPE: &[&str] = &[
    "claimtype", "clmtype", "claimtypecode", "claimtypecd", "formtype",
];
pub const BILL_TYPE: &[&str] = &[
    "billtype", "billtypecode", "typeofbill", "tob", "billtypecd",
];
pub const CCW_CLAIM_TYPE: &[&str] = &[
    "nchclmtypecd",
];
pub const CODE_TYPE: &[&str] = &[
    "diagnosiscodetype", "dxcodetype", "icdversion", "icdversioncode", "dxversion",
    "diagnosiscodeset", "codetype", "codesystem", "diagnosiscodesystem", "icdtype", "icdindicator",
];
pub const PRINCIPAL: &[&str] = &[
    "principaldx", "pdx", "prncpaldgnscd", "principaldiagnosis", "principaldiagnosiscode",
    "principaldxcode", "primarydx", "primarydiagnosis", "primarydiagnosiscode", "primarydxcode",
];
pub const PRINCIPAL_POA: &[&str] = &[
    "poaprincipal", "principalpoa", "principaldxpoa", "pdxpoa", "principaldiagnosispoa",
    "primarydxpoa",
];
pub const PRINCIPAL_VERSION: &[&str] = &[
    "prncpaldgnsvrsncd", "principaldxversion", "pdxversion",
];
pub const ADMITTING: &[&str] = &[
    "admittingdx", "admtgdgnscd", "admitdx", "admittingdiagnosis", "admittingdiagnosiscode",
    "admitdiagnosis", "admitdiagnosiscode", "admittingdxcode", "admitdxcode",
];
pub const ADMITTING_VERSION: &[&str] = &[
    "admtgdgnsvrsncd", "admittingdxversion",
];
pub const EXT_FIRST: &[&str] = &[
    "fstdgnsecd", "firstecode", "firstexternalcause", "ecode", "externalcause",
    "externalcausecode",
];
pub const EXT_FIRST_VERSION: &[&str] = &[
    "fstdgnsevrsncd",
];
pub const RFV_SINGLE: &[&str] = &[
    "reasonforvisit", "rfv", "reasonforvisitdx", "reasonforvisitcode", "patientreasonforvisit",
];
pub const SEQUENCE: &[&str] = &[
    "seq", "sequence", "dxseq", "dxsequence", "diagnosissequence", "diagnosisseq", "diagseq",
    "line", "sequencenumber", "seqnum", "seqno", "dxrank", "diagnosisrank", "rank", "position",
    "dxposition", "diagnosisposition", "dxorder", "diagnosisorder",
];
pub const CODE: &[&str] = &[
    "code", "dx", "dxcode", "diagnosiscode", "icd10", "icd10cm", "icd10code", "icd10cmcode",
    "icdcode", "diagnosis", "diag", "diagcode", "icd10dx", "diagnosiscd",
];
pub const LONG_POA: &[&str] = &[
    "poa", "presentonadmission", "poaind", "poaindicator", "poaflag", "poacode", "poacd", "dxpoa",
    "diagnosispoa", "presentonadmit", "presentonadmitcode",
];


// Numbered columns: normalized name = prefix + number (+ suffix).
pub const DX_PREFIXES: &[&str] = &[
    "dx", "diag", "diagnosis", "diagnosiscode", "diagcode", "dxcode", "icddgnscd", "icd10dx",
    "icddx", "icd10diagnosis", "icd10cmdx", "diagnosiscd", "diagcd", "dxcd", "icddxcd",
    "icd10dxcode", "icd10code", "icd10cm", "dgnscd",
];
pub const POA_PREFIXES: &[&str] = &[
    "poa", "diagnosispoa", "dxpoa", "diagpoa", "clmpoaindsw", "poaind", "poaindicator",
    "presentonadmission", "poacd", "poacode", "diagnosiscodepoa",
];
pub const POA_SUFFIXES: &[&str] = &[
    "poa", "poaind", "poaindicator", "poacd",
];
pub const VERSION_PREFIXES: &[&str] = &[
    "icddgnsvrsncd", "dxversion", "diagnosisversion", "dxvrsn", "dxcodetype", "diagnosiscodetype",
];
pub const VERSION_SUFFIXES: &[&str] = &[
    "version", "vrsn", "vrsncd", "codetype",
];
pub const EXT_PREFIXES: &[&str] = &[
    "icddgnsecd", "ecode", "ecd", "externalcause", "externalcausecode", "extcause", "icd10ecode",
];
pub const EXT_POA_PREFIXES: &[&str] = &[
    "clmepoaindsw", "ecodepoa", "externalcausepoa",
];
pub const EXT_VERSION_PREFIXES: &[&str] = &[
    "icddgnsevrsncd",
];
pub const RFV_PREFIXES: &[&str] = &[
    "rsnvisitcd", "reasonforvisit", "rfv", "reasonforvisitdx", "reasonforvisitcode", "rfvdx",
    "rfvcode", "patientreasonforvisit",
];
pub const RFV_VERSION_PREFIXES: &[&str] = &[
    "rsnvisitvrsncd",
];

