//! The frameworks shipped with tanji, embedded from `data/` and checked by `tests/bundled.rs`.

use crate::framework::Framework;

/// The TOML of the default "factory carbon management" (工厂碳管理) framework, version 1.
pub const FACTORY_CARBON_MANAGEMENT_TOML: &str = include_str!("../data/factory-carbon-management.v1.toml");

/// Every bundled framework file, by file name (the test that every data file is listed reads this).
pub const FILES: [(&str, &str); 1] = [("factory-carbon-management.v1.toml", FACTORY_CARBON_MANAGEMENT_TOML)];

/// The default framework. Its file is checked by the crate's tests, so a failure here is a build defect.
pub fn factory_carbon_management() -> Framework {
    Framework::from_toml(FACTORY_CARBON_MANAGEMENT_TOML)
        .unwrap_or_else(|problems| panic!("bundled framework is invalid: {problems:?}"))
}

/// A bundled framework by id and version, as a campaign names it; `None` for one tanji does not ship.
pub fn framework(id: &str, version: u32) -> Option<Framework> {
    let framework = factory_carbon_management();
    (framework.id == id && framework.version == version).then_some(framework)
}
