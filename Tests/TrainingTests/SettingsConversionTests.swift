import ExperimentSpec
import Models
import Quantization
import Testing
import Training

/// The settings' storage types and LoRA targets meet the model code's through one checked conversion each.
struct SettingsConversionTests {
    @Test func everyStorageKindMapsToTheTypeOfItsName() {
        for kind in QuantizationKind.allCases {
            #expect(kind.quantizationType?.rawValue == (kind == .none ? nil : kind.rawValue), "\(kind)")
        }
        #expect(Set(QuantizationKind.allCases.compactMap(\.quantizationType)) == Set(QuantizationType.allCases))
        let model = ModelSettings(quantization: .fp4, blocksize: 128, doubleQuant: false)
        #expect(model.weightQuantization == WeightQuantization(type: .fp4, blocksize: 128, doubleQuant: false))
        #expect(ModelSettings(quantization: .none).weightQuantization == nil)
    }

    @Test func everyTargetIsTheProjectionOfItsPEFTName() {
        #expect(LoRATarget.allCases.map(\.projection) == Projection.allCases)
        for target in LoRATarget.allCases {
            #expect(target.projection.rawValue == target.rawValue)
            #expect(LoRATarget(target.projection) == target)
        }
    }
}
