//! A facility's weather in the store (migration 0012): saved whole, read back for a period, handed to the analysis;
//! denials and isolation.

use jiff::civil::{Date, date};
use tanji_energy::analysis::DayRange;
use tanji_energy::weather::{DegreeDayBases, Weather, WeatherDay};
use tanji_store::StoreError;
use tanji_store::energy_site::{RecordedGridFactor, SiteSettings};
use tanji_store::energy_weather::WeatherOutcome;
use tanji_tenancy::facility::{FacilityDetails, FacilityInput};

use crate::fixtures::World;
use tanji_testkit::{TestDatabase, on_both_databases};

fn weather(days: &[(Date, f64)]) -> Weather {
    Weather {
        station: "58665 台州 (illustrative)".into(),
        source: "test data".into(),
        station_zh: None,
        source_zh: None,
        bases: DegreeDayBases { heating_base_c: 18.0, cooling_base_c: 22.0 },
        days: days
            .iter()
            .map(|(day, mean_temperature_c)| WeatherDay { day: *day, mean_temperature_c: *mean_temperature_c })
            .collect(),
    }
}

on_both_databases!(a_sites_weather_is_stored_whole_and_reaches_the_analysis);
async fn a_sites_weather_is_stored_whole_and_reaches_the_analysis(test: TestDatabase) {
    let store = &test.store;
    let world = World::build(store).await;
    let editor = &world.brand_editor;
    let details = FacilityDetails::parse(&FacilityInput {
        name: "瑞禾纸制品厂",
        kind: "factory",
        subdivision: Some("CN-ZJ"),
        ..FacilityInput::default()
    })
    .unwrap();
    let facility_id = store.create_facility(editor, &details).await.unwrap().id;
    let january = [(date(2025, 1, 1), 4.5), (date(2025, 1, 2), 6.0), (date(2025, 1, 3), 7.25)];

    // No site yet: the weather has nowhere to go.
    let no_site = store.save_energy_weather(editor, facility_id, &weather(&january), "w.csv").await.unwrap_err();
    assert!(matches!(no_site, StoreError::Invalid(ref error) if error.field == "facility_id"), "{no_site:?}");
    let settings = SiteSettings {
        name: "瑞禾纸制品厂".into(),
        utc_offset_minutes: 480,
        interval_minutes: 60,
        grid_factor: RecordedGridFactor { factor_id: None, t_co2e_per_mwh: 0.5306, source: "MEE & NBS 2023".into() },
        tariff: None,
    };
    store.save_energy_site(editor, facility_id, &settings).await.unwrap();
    let whole = DayRange { first: date(2025, 1, 1), last: date(2025, 1, 31) };
    assert_eq!(store.energy_weather(editor, facility_id, whole).await.unwrap(), None, "no station recorded yet");

    let outcome = store.save_energy_weather(editor, facility_id, &weather(&january), "w.csv").await.unwrap();
    assert_eq!(outcome, WeatherOutcome { n_new: 3, n_changed: 0, n_same: 0 });
    let mut corrected = january;
    corrected[1].1 = 5.5;
    let again = store.save_energy_weather(editor, facility_id, &weather(&corrected), "w2.csv").await.unwrap();
    assert_eq!(again, WeatherOutcome { n_new: 0, n_changed: 1, n_same: 2 });

    let stored = store.energy_weather(editor, facility_id, whole).await.unwrap().expect("weather");
    assert_eq!(stored, weather(&corrected));
    let two_days = DayRange { first: date(2025, 1, 2), last: date(2025, 1, 3) };
    let part = store.energy_weather(editor, facility_id, two_days).await.unwrap().expect("weather");
    assert_eq!(part.days.len(), 2);
    let input = store.energy_analysis_input(editor, facility_id, whole).await.unwrap();
    assert_eq!(input.weather, Some(weather(&corrected)));

    // The station and source in Chinese are stored beside them (migration 0022), and a batch without them clears
    // them: they would no longer match what was sent.
    let mut bilingual = weather(&corrected);
    bilingual.station = "Taizhou 58665 (illustrative)".into();
    bilingual.station_zh = Some("58665 台州（示意）".into());
    bilingual.source_zh = Some("测试数据".into());
    store.save_energy_weather(editor, facility_id, &bilingual, "w2.csv").await.unwrap();
    assert_eq!(store.energy_weather(editor, facility_id, whole).await.unwrap(), Some(bilingual.clone()));
    let input = store.energy_analysis_input(editor, facility_id, whole).await.unwrap();
    assert_eq!(input.weather.as_ref().and_then(|weather| weather.station_zh.as_deref()), Some("58665 台州（示意）"));
    let two_lines = Weather { station_zh: Some("台州\n58665".into()), ..bilingual.clone() };
    let refused = store.save_energy_weather(editor, facility_id, &two_lines, "w2.csv").await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "station_zh"), "{refused:?}");
    store.save_energy_weather(editor, facility_id, &weather(&corrected), "w2.csv").await.unwrap();
    assert_eq!(store.energy_weather(editor, facility_id, whole).await.unwrap(), Some(weather(&corrected)));

    // A batch with one impossible temperature stores nothing.
    let broken = weather(&[(date(2025, 1, 4), 3.0), (date(2025, 1, 5), 212.0)]);
    let refused = store.save_energy_weather(editor, facility_id, &broken, "w3.csv").await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref error) if error.field == "mean_temperature_c"), "{refused:?}");
    assert_eq!(store.energy_weather(editor, facility_id, whole).await.unwrap().unwrap().days.len(), 3);

    // A viewer may read but not save; another organisation sees nothing.
    assert!(store.energy_weather(&world.brand_viewer, facility_id, whole).await.unwrap().is_some());
    let denied = store.save_energy_weather(&world.brand_viewer, facility_id, &weather(&january), "w.csv").await;
    assert!(matches!(denied, Err(StoreError::Denied(_))), "{denied:?}");
    let other = store.save_energy_weather(&world.supplier_owner, facility_id, &weather(&january), "w.csv").await;
    assert!(matches!(other, Err(StoreError::NotFound)), "{other:?}");
    assert_eq!(store.energy_weather(&world.supplier_owner, facility_id, whole).await.unwrap(), None);
}
