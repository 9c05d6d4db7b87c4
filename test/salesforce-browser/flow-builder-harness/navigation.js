// Stand-in for lightning/navigation, which only the Salesforce platform provides. Page
// references become hash URLs of this page, and Navigate records the last reference.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference) {
      window.keyrouteLastNavigation = pageReference;
    }

    [GenerateUrl](pageReference) {
      return Promise.resolve(`#${pageReference.attributes?.apiName ?? ''}`);
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
